import { StrataError } from '../../core/errors';
import type { Command } from '../context';

export const repairCommand: Command = async () => {
  throw new StrataError('E_USAGE', '"repair" is being built');
};
