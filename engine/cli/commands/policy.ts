import { StrataError } from '../../core/errors';
import type { Command } from '../context';

export const policyCommand: Command = async () => {
  throw new StrataError('E_USAGE', '"policy" is being built');
};
