/** Where files live inside a repository. Every path in the engine comes from here. */
export const CONFIG_FILE = 'config.json';

export function packPath(domain: string, packId: string): string {
  return `packs/${domain}/${packId.slice(0, 2)}/${packId}`;
}

export function packDir(domain: string): string {
  return `packs/${domain}`;
}

/** Recovers domain and pack id from a pack path, or null if the name is not a pack. */
export function parsePackPath(name: string): { domain: string; packId: string } | null {
  const m = /^packs\/([^/]+)\/[0-9a-f]{2}\/([0-9a-f]{32})$/.exec(name);
  return m ? { domain: m[1]!, packId: m[2]! } : null;
}

export function indexPath(domain: string, fileId: string): string {
  return `index/${domain}/${fileId}`;
}

export function indexDir(domain: string): string {
  return `index/${domain}`;
}
