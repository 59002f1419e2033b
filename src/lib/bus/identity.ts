/** The participant's agent id, kept per browser so a reload (or a second tab) is the same agent. */
import { makeAgentId, type AgentIdentity } from '$lib/protocol';

const KEY = 'switchboard:agent-ids';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export interface IdentityChoice {
	name: string;
	team?: string;
	capabilities?: string[];
}

/** The same name in the same browser keeps its id; a new name gets a new one. */
export function identityFor(
	choice: IdentityChoice,
	storage: StorageLike | null,
	random = Math.random
): AgentIdentity {
	let ids: Record<string, string> = {};
	try {
		ids = JSON.parse(storage?.getItem(KEY) ?? '{}') as Record<string, string>;
	} catch {
		ids = {};
	}
	const key = choice.name.trim();
	const id =
		typeof ids[key] === 'string' && /^[a-z0-9-]+$/u.test(ids[key]) ? ids[key] : makeAgentId(key, random);
	if (ids[key] !== id) {
		try {
			storage?.setItem(KEY, JSON.stringify({ ...ids, [key]: id }));
		} catch {
			// storage full or disabled: the id lasts for this tab only
		}
	}
	return {
		id,
		name: key,
		kind: 'human',
		team: choice.team?.trim() || undefined,
		capabilities: choice.capabilities ?? []
	};
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
