import type { Command } from '../context';
import { chainCommand } from './chain';
import { checkCommand } from './check';
import { infoCommand } from './info';
import { restoreCommand, rollbackCommand } from './restore';
import { snapshotCommand } from './snapshot';
import { sourceCommand } from './source';
import { policyCommand } from './policy';
import { jobsCommand } from './jobs';
import { daemonCommand } from './daemon';
import { keyCommand } from './key';
import { serveCommand } from './serve';
import { gcCommand, repairCommand } from './repair';

/** Every top-level command. Add a command here and in HELP. */
export const COMMANDS: Record<string, Command> = {
  source: sourceCommand,
  snapshot: snapshotCommand,
  chain: chainCommand,
  restore: restoreCommand,
  rollback: rollbackCommand,
  check: checkCommand,
  info: infoCommand,
  policy: policyCommand,
  jobs: jobsCommand,
  daemon: daemonCommand,
  key: keyCommand,
  serve: serveCommand,
  repair: repairCommand,
  gc: gcCommand,
};

export const HELP = `strata — incremental block-level snapshots of disks and disk images

usage: strata [--home DIR] [--json] [--key-file FILE] COMMAND

  source add PATH [--name N] [--block-size 16K] [--compression lz4|zstd|none] [--encrypted]
                                                                 add a disk image or block device
  source list | source remove SOURCE [--delete-snapshots]
  snapshot create SOURCE [--name N] [--io-limit 50M]             take a snapshot
  snapshot list [SOURCE] | snapshot delete SNAPSHOT [--dry-run]  list, or delete and free space
  chain SOURCE                                                   the chain of a source with sizes
  restore SNAPSHOT --to PATH [--force]                           write an image (sparse) or a device
  rollback SOURCE SNAPSHOT [--force]                             rewrite only the differing blocks
  check [--read-data]                                            verify the repository
  info                                                           repository size and dedup ratio
  key add [--label L] | key list | key remove KEY | key change   passphrases (key slots); new one from
                                                                 STRATA_NEW_PASSPHRASE or asked twice
  gc                                                             remove unreferenced data and leftovers of interrupted work
  repair index                                                   rebuild the index from the packs; says what cannot be recovered
  policy create NAME --hours 2,14 [--weekdays 1-7] --retention-days 30|-1|forever [--keep-daily N …] [--ac-only]
         [--idle-minutes N] [--deadline-minutes N] [--io-budget 50M] [--apply SOURCE]   an automatic snapshot policy
  policy list | show POLICY | apply POLICY SOURCE… | unapply POLICY SOURCE… | delete POLICY
  jobs [--limit N] [--source S] [--policy P]                     the job history: runs, skips, expiries
  daemon [--tick 60s] [--power auto|ac|battery] [--stop-grace 60s]  run the policies headless (see docs/policies.md)
  serve [--port P]                                               the app in a browser, on 127.0.0.1; first line: the URL with its token

SOURCE and SNAPSHOT take an id, a unique id prefix, or a name.
The home defaults to $STRATA_HOME, then the user-data folder; the repository is HOME/repository.
Encrypted chains read the passphrase from STRATA_PASSPHRASE, --key-file (mode 600), or a prompt.`;
