/**
 * Servers on another host that the person agreed to connect to from a join link, remembered on this
 * device so the same link does not ask again. Only addresses are kept, never secrets.
 */
const KEY = 'switchboard.trusted-servers';
const LIMIT = 50;

function load(storage: Storage | undefined): string[] {
	try {
		const value: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
		return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];
	} catch {
		return [];
	}
}

export function isTrusted(storage: Storage | undefined, server: string): boolean {
	return load(storage).includes(server);
}

export function trust(storage: Storage | undefined, servers: readonly string[]): void {
	const kept = [...new Set([...servers, ...load(storage)])].slice(0, LIMIT);
	try {
		storage?.setItem(KEY, JSON.stringify(kept));
	} catch {
		// Storage full or blocked: the person is asked again next time, nothing worse.
	}
}
