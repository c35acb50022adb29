import { StrataError } from '../../core/errors';
import type { Command } from '../context';

export const jobsCommand: Command = async () => {
  throw new StrataError('E_USAGE', '"jobs" is being built');
};
