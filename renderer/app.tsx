import { ActivityScreen } from './activity/activity-screen';
import { AddDiskScreen } from './add-disk/add-disk-screen';
import { api } from './api/client';
import { DiskDetailScreen } from './disk-detail/disk-detail-screen';
import { DisksScreen } from './disks/disks-screen';
import { PoliciesScreen } from './policies/policies-screen';
import { RepositoryScreen } from './repository/repository-screen';
import { AppStateContext } from './ui/app-state';
import { useRoute, type Route } from './ui/router';
import { ThemeToggle } from './ui/theme-toggle';
import { UnlockBanner } from './ui/unlock-banner';
import { useLoad } from './ui/use-load';
import { ErrorBox } from './ui/widgets';

const NAV: { href: string; label: string; screens: Route['screen'][] }[] = [
  { href: '#/disks', label: 'Disks', screens: ['disks', 'disk', 'add'] },
  { href: '#/policies', label: 'Policies', screens: ['policies'] },
  { href: '#/repository', label: 'Repository', screens: ['repository'] },
  { href: '#/activity', label: 'Activity', screens: ['activity'] },
];

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'disks':
      return <DisksScreen />;
    case 'disk':
      return <DiskDetailScreen sourceId={route.sourceId} />;
    case 'add':
      return <AddDiskScreen />;
    case 'policies':
      return <PoliciesScreen />;
    case 'repository':
      return <RepositoryScreen />;
    case 'activity':
      return <ActivityScreen />;
  }
}

export function App() {
  const route = useRoute();
  // Adding the first encrypted disk creates the key, so the state is read again when sources change.
  const state = useLoad(() => api().getAppState(), []);
  const app = state.data;
  return (
    <AppStateContext.Provider value={app}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <nav className="nav" aria-label="Main">
          <div className="brand">Strata</div>
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <a href={n.href} aria-current={n.screens.includes(route.screen) ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
          <div className="nav-foot">
            <ThemeToggle />
            {app && <div className="muted small">{app.host === 'web' ? 'Web host' : 'Desktop'} · v{app.version}</div>}
          </div>
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          <ErrorBox error={state.error} />
          {app?.locked && app.hasKeys && <UnlockBanner onUnlocked={state.reload} />}
          <Screen route={route} />
        </main>
      </div>
    </AppStateContext.Provider>
  );
}
