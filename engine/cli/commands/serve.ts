import { StrataError } from '../../core/errors';
import type { Command } from '../context';

export const serveCommand: Command = async () => {
  throw new StrataError('E_USAGE', '"serve" is being built');
};
