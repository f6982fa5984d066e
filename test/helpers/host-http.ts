// The real port behind a device's port 80 on the Node host: known once the firmware's web server listens.
import { HostHandle } from '../../device/sim/host';

export async function devicePort(host: HostHandle): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = host.httpPort(80);
    if (p) return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the device never listened on port 80');
}
