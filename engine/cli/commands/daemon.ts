import { StrataError } from '../../core/errors';
import type { Command } from '../context';

export const daemonCommand: Command = async () => {
  throw new StrataError('E_USAGE', '"daemon" is being built');
};
