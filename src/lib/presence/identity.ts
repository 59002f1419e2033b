/** The participant's agent id, kept per browser so a reload (or a second tab) is the same agent. */
import { z } from 'zod';
import { makeAgentId, type AgentIdentity } from '../protocol';

const KEY = 'switchboard:agent-ids';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export interface IdentityChoice {
	name: string;
	/**
	 * The login the person signed in with. When it can be an agent id it is theirs: a secured server
	 * lets each login publish presence only under its own id (nats/secure.conf).
	 */
	user?: string;
	team?: string;
	capabilities?: string[];
}

/** The same name in the same browser keeps its id; a new name gets a new one. */
export function identityFor(
	choice: IdentityChoice,
	storage: StorageLike | null,
	random = Math.random
): AgentIdentity {
	const name = choice.name.trim();
	const login = choice.user?.trim() ?? '';
	return {
		id: /^[a-z0-9-]+$/u.test(login) ? login : keptId(name, storage, random),
		name,
		kind: 'human',
		team: choice.team?.trim() || undefined,
		capabilities: choice.capabilities ?? []
	};
}

/** Ids kept per name on this device; anything else read back is ignored. */
const KeptIdsSchema = z.record(z.string(), z.unknown()).catch({});

function keptId(name: string, storage: StorageLike | null, random: () => number): string {
	let ids: Record<string, unknown> = {};
	try {
		ids = KeptIdsSchema.parse(JSON.parse(storage?.getItem(KEY) ?? '{}'));
	} catch {
		ids = {};
	}
	const kept = ids[name];
	const id = typeof kept === 'string' && /^[a-z0-9-]+$/u.test(kept) ? kept : makeAgentId(name, random);
	if (ids[name] !== id) {
		try {
			storage?.setItem(KEY, JSON.stringify({ ...ids, [name]: id }));
		} catch {
			// storage full or disabled: the id lasts for this tab only
		}
	}
	return id;
}

/** "review, deploy approvals" → ["review", "deploy approvals"] */
export function parseCapabilities(text: string): string[] {
	return [
		...new Set(
			text
				.split(',')
				.map((c) => c.trim())
				.filter(Boolean)
		)
	];
}
