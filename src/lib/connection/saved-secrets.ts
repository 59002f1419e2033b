/**
 * Sign-in secrets kept on this device, only when the person ticks "remember on this device": by
 * server, in localStorage. Otherwise they live in the join form's memory and go with the tab.
 */
export interface Secrets {
	user: string;
	pass: string;
	token: string;
	nkeySeed: string;
	credentials: string;
}

const EMPTY: Secrets = { user: '', pass: '', token: '', nkeySeed: '', credentials: '' };
const key = (server: string) => `switchboard.secrets.${server.trim()}`;

/** What was remembered for this server, or null. Anything unreadable counts as nothing. */
export function loadSecrets(storage: Storage | undefined, server: string): Secrets | null {
	try {
		const raw = storage?.getItem(key(server));
		if (!raw) return null;
		const value = JSON.parse(raw) as Partial<Record<keyof Secrets, unknown>>;
		const text = (field: keyof Secrets) => (typeof value[field] === 'string' ? (value[field] as string) : '');
		return {
			user: text('user'),
			pass: text('pass'),
			token: text('token'),
			nkeySeed: text('nkeySeed'),
			credentials: text('credentials')
		};
	} catch {
		return null;
	}
}

export function saveSecrets(storage: Storage | undefined, server: string, secrets: Secrets): void {
	const kept = { ...EMPTY, ...secrets };
	if (!Object.values(kept).some(Boolean)) return forgetSecrets(storage, server);
	try {
		storage?.setItem(key(server), JSON.stringify(kept));
	} catch {
		// Storage full or refused (private mode): the secrets simply are not remembered.
	}
}

export function forgetSecrets(storage: Storage | undefined, server: string): void {
	try {
		storage?.removeItem(key(server));
	} catch {
		// nothing to forget
	}
}
