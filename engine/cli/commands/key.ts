import { StrataError } from '../../core/errors';
import type { Command } from '../context';

export const keyCommand: Command = async () => {
  throw new StrataError('E_USAGE', '"key" is being built');
};
