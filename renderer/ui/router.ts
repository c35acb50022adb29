import { useEffect, useState } from 'react';

/**
 * Hash routes, so the same build works from `file://` in Electron and from the web host without
 * server-side routing: #/disks, #/disks/<id>, #/add, #/policies, #/repository, #/activity.
 */
export type Route =
  | { screen: 'disks' }
  | { screen: 'disk'; sourceId: string }
  | { screen: 'add' }
  | { screen: 'policies' }
  | { screen: 'repository' }
  | { screen: 'activity' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'disks':
      return parts[1] ? { screen: 'disk', sourceId: parts[1] } : { screen: 'disks' };
    case 'add':
    case 'policies':
    case 'repository':
    case 'activity':
      return { screen: parts[0] };
    default:
      return { screen: 'disks' };
  }
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
