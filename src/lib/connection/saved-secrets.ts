/**
 * Sign-in secrets kept on this device, only when the person ticks "remember on this device": by
 * server, in localStorage. Otherwise they live in the join form's memory and go with the tab.
 */
import { z } from 'zod';

/** As kept: a field that is missing or not text reads as empty, so one bad field loses nothing else. */
const text = z.string().catch('');
const SecretsSchema = z.object({ user: text, pass: text, token: text, nkeySeed: text, credentials: text });
export type Secrets = z.infer<typeof SecretsSchema>;

const EMPTY: Secrets = { user: '', pass: '', token: '', nkeySeed: '', credentials: '' };
const key = (server: string) => `switchboard.secrets.${server.trim()}`;

/** What was remembered for this server, or null. Anything unreadable counts as nothing. */
export function loadSecrets(storage: Storage | undefined, server: string): Secrets | null {
	try {
		const raw = storage?.getItem(key(server));
		if (!raw) return null;
		const kept = SecretsSchema.safeParse(JSON.parse(raw));
		return kept.success ? kept.data : null;
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
