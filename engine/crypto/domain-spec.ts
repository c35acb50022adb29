import { ChainDomain } from './chain-domain';
import type { DomainSpec, KeyDomain } from './domain';
import { plainDomain } from './plain-domain';

/** Rebuilds a domain from its spec (in a worker thread). */
export function domainFromSpec(spec: DomainSpec): KeyDomain {
  return spec.kind === 'plain' ? plainDomain : new ChainDomain(spec.name, Buffer.from(spec.secret));
}
