import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_SIZES, DEFAULT_BLOCK_SIZE, validateAddDisk, type AddDiskForm } from '../../renderer/add-disk/add-disk-model';
import { describeError, nextStep } from '../../renderer/ui/next-step';

const base: AddDiskForm = { path: '/data/disk.img', encrypted: false, passphrase: '', confirm: '', key: 'none' };

test('the add-disk form asks for what is missing, in words', () => {
  const cases: [string, Partial<AddDiskForm>, RegExp | null][] = [
    ['plain image', {}, null],
    ['no path', { path: '  ' }, /Enter the path/],
    ['relative path', { path: 'disk.img' }, /Expected an absolute path, got "disk.img"/],
    ['new key too short', { encrypted: true, passphrase: 'short', confirm: 'short' }, /at least 8/],
    ['new key mismatch', { encrypted: true, passphrase: 'long enough', confirm: 'long enougH' }, /differ/],
    ['new key ok', { encrypted: true, passphrase: 'long enough', confirm: 'long enough' }, null],
    ['locked, no passphrase', { encrypted: true, key: 'locked' }, /repository passphrase/],
    ['unlocked, no passphrase', { encrypted: true, key: 'unlocked' }, null],
  ];
  for (const [name, change, want] of cases) {
    const got = validateAddDisk({ ...base, ...change });
    if (want === null) assert.equal(got, null, name);
    else assert.match(got ?? '', want, name);
  }
});

test('block sizes run from 4 KiB to 1 MiB and include the default', () => {
  assert.equal(BLOCK_SIZES[0]!.bytes, 4096);
  assert.equal(BLOCK_SIZES.at(-1)!.bytes, 1 << 20);
  assert.equal(BLOCK_SIZES.at(-1)!.label, '1 MiB');
  assert.ok(BLOCK_SIZES.some((b) => b.bytes === DEFAULT_BLOCK_SIZE));
});

test('errors keep the engine message and add a next step by code', () => {
  const shown = describeError({ code: 'E_PASSPHRASE', message: 'wrong passphrase for key slot' });
  assert.equal(shown.message, 'wrong passphrase for key slot');
  assert.match(shown.next, /passphrase/);
  assert.match(describeError(new Error('boom')).next, /repository check/);
  assert.notEqual(nextStep('E_BUSY'), nextStep('E_NO_SPACE'));
});
