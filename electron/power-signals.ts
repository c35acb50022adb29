import { powerMonitor } from 'electron';
import type { HostClient } from '../engine/jobs/host-client';

const IDLE_POLL_MS = 60_000;

/**
 * Feeds the scheduler's off-peak conditions from powerMonitor: AC or battery, idle time (polled
 * once a minute: policies ask for idle minutes, not seconds), and sleep/wake so missed runs are
 * caught up on resume.
 */
export function forwardPowerSignals(client: HostClient): () => void {
  const send = () => client.signals({ onAcPower: !powerMonitor.isOnBatteryPower(), idleSeconds: powerMonitor.getSystemIdleTime() });
  const onAc = () => client.signals({ onAcPower: true });
  const onBattery = () => client.signals({ onAcPower: false });
  const onSuspend = () => client.signals({ power: 'suspend' });
  const onResume = () => {
    client.signals({ power: 'resume' });
    send();
  };
  powerMonitor.on('on-ac', onAc);
  powerMonitor.on('on-battery', onBattery);
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  send();
  const timer = setInterval(send, IDLE_POLL_MS);
  return () => {
    clearInterval(timer);
    powerMonitor.off('on-ac', onAc);
    powerMonitor.off('on-battery', onBattery);
    powerMonitor.off('suspend', onSuspend);
    powerMonitor.off('resume', onResume);
  };
}
