/** The page's BusConnection in vitest specs: each one made for a test is left after it. */
import { afterEach } from 'vitest';
import { BusConnection } from '../../src/lib/connection/ui';

export function busesLeftAfterEach(): () => BusConnection {
	const open: BusConnection[] = [];
	afterEach(async () => {
		await Promise.all(open.splice(0).map((bus) => bus.leave()));
	});
	return () => {
		const bus = new BusConnection();
		open.push(bus);
		return bus;
	};
}
