/** The page's BusConnection in vitest specs: each one made for a test is left after it. */
import { afterEach } from 'vitest';
import { BusConnection, type Connector } from '../../src/lib/connection/ui';

/** `connect` opens its connections, as the page's does by default (`wsconnect`). */
export function busesLeftAfterEach(): (connect?: Connector) => BusConnection {
	const open: BusConnection[] = [];
	afterEach(async () => {
		await Promise.all(open.splice(0).map((bus) => bus.leave()));
	});
	return (connect) => {
		const bus = new BusConnection(connect);
		open.push(bus);
		return bus;
	};
}
