import { describe, expect, it } from 'vitest';
import { decode } from '$lib/protocol';
import {
	jsonBytes,
	seedHeartbeat,
	seedQuestion,
	seedStatusUpdate,
	voltaAnnounce,
	voltaHeartbeat,
	voltaQuery,
	voltaStatus
} from '$lib/protocol/fixtures';
import {
	agentState,
	applySightings,
	compactSightings,
	countByState,
	filterRoster,
	sightingOf,
	sinceText,
	toListedAgents,
	type Roster,
	type Sighting
} from './roster';

const T0 = Date.parse('2026-11-21T20:00:00Z');

function see(subject: string, payload: unknown, at = T0): Sighting {
	const data = jsonBytes(payload);
	const decoded = decode(subject, data);
	const sighting = sightingOf(decoded, subject, at);
	if (!sighting) throw new Error(`no sighting from ${subject}`);
	return sighting;
}

const build = (...sightings: Sighting[]): Roster => applySightings(new Map(), sightings);

describe('building the roster from traffic', () => {
	it('adds a seed agent with a dotted id from any envelope', () => {
		const roster = build(see('orchestrator.broadcast.status_update', seedStatusUpdate()));
		expect(roster.get('coder-2.1-1733409000')).toMatchObject({
			kind: 'external',
			dialects: ['seed'],
			status: 'started',
			workStream: '2.1'
		});
	});

	it('takes a Volta agent’s name and capabilities from its announce', () => {
		const roster = build(
			see('agent.announce', voltaAnnounce()),
			see('agent.volta-claude-1.heartbeat', voltaHeartbeat(), T0 + 1000)
		);
		expect(roster.get('volta-claude-1')).toMatchObject({
			name: 'Claude Code Agent',
			capabilities: ['code', 'review'],
			dialects: ['volta'],
			status: 'alive',
			lastSeen: T0 + 1000
		});
	});

	it('merges the same id seen in both dialects into one agent', () => {
		const roster = build(
			see('agent.announce', voltaAnnounce({ id: 'ada-k3x9', name: 'Ada', kind: 'human' })),
			see('orchestrator.broadcast.heartbeat', seedHeartbeat({ from_agent: 'ada-k3x9' }), T0 + 5)
		);
		expect(roster.size).toBe(1);
		expect(roster.get('ada-k3x9')).toMatchObject({ kind: 'human', name: 'Ada', dialects: ['volta', 'seed'] });
	});

	it('reads a Switchboard announce: kind, name, team, capabilities', () => {
		const announce = seedStatusUpdate({
			from_agent: 'ada-k3x9',
			content: { status: 'online', kind: 'human', name: 'Ada', team: 'platform', capabilities: ['review'] }
		});
		const agent = build(see('orchestrator.broadcast.status_update', announce)).get('ada-k3x9');
		expect(agent).toMatchObject({ kind: 'human', name: 'Ada', team: 'platform', capabilities: ['review'] });
		expect(agent?.announce).toMatchObject({ kind: 'human' });
	});

	it('reads the work stream under either name the orchestrator uses, and keeps the status word', () => {
		const blocked = seedStatusUpdate({
			from_agent: 'coder-2.1',
			content: { status: 'blocked', work_stream: '2.1' }
		});
		const roster = build(
			see('orchestrator.broadcast.status_update', blocked),
			see('orchestrator.broadcast.heartbeat', seedHeartbeat({ from_agent: 'coder-2.1' }), T0 + 1000)
		);
		// A heartbeat's "alive" says it is there, not that it stopped being blocked.
		expect(roster.get('coder-2.1')).toMatchObject({
			workStream: '2.1',
			status: 'blocked',
			lastSeen: T0 + 1000
		});
	});

	it('follows work streams through claims and completions', () => {
		const claim = seedStatusUpdate({
			from_agent: 'orchestrator',
			message_type: 'task_assigned',
			content: {
				work_stream_id: '1.1',
				agent_id: 'decomposer',
				action: 'claim',
				timestamp: '2025-12-07 23:00:00'
			}
		});
		const done = seedStatusUpdate({
			from_agent: 'decomposer',
			message_type: 'task_complete',
			content: { work_stream_id: '1.1', agent_id: 'decomposer', action: 'release' }
		});
		let roster = build(see('orchestrator.broadcast.task_assigned', claim));
		expect(roster.get('decomposer')?.workStream).toBe('1.1');
		roster = applySightings(roster, [see('orchestrator.broadcast.task_complete', done, T0 + 10)]);
		expect(roster.get('decomposer')?.workStream).toBeNull();
	});

	it('takes a status update read after a later message from the same agent: each field keeps its own time', () => {
		const working = seedStatusUpdate({
			from_agent: 'coder',
			content: { status: 'in_progress', work_stream_id: '7.1' }
		});
		const asked = seedQuestion({ from_agent: 'coder' });
		// The question was decoded at once, the status update (sent a second earlier) in a later slice.
		let roster = build(see('orchestrator.broadcast.question', asked, T0 + 1000));
		roster = applySightings(roster, [see('orchestrator.broadcast.status_update', working, T0)]);
		expect(roster.get('coder')).toMatchObject({
			workStream: '7.1',
			status: 'in_progress',
			lastSeen: T0 + 1000
		});
		// A field set by a newer message is not taken back by an older one.
		const earlier = seedStatusUpdate({
			from_agent: 'coder',
			content: { status: 'started', work_stream_id: '6.9' }
		});
		roster = applySightings(roster, [see('orchestrator.broadcast.status_update', earlier, T0 - 1000)]);
		expect(roster.get('coder')).toMatchObject({ workStream: '7.1', status: 'in_progress' });
	});

	it('keeps recent messages, newest first, and counts Volta queries as signs of life', () => {
		const roster = build(
			see('agent.volta-claude-1.heartbeat', voltaHeartbeat(), T0),
			see('agent.ada.message', voltaQuery(), T0 + 2000)
		);
		const agent = roster.get('volta-claude-1')!;
		expect(agent.recent.map((m) => m.type)).toEqual(['query', 'heartbeat']);
		expect(agent.lastSeen).toBe(T0 + 2000);
	});

	it('never moves last-seen back when replayed history arrives late', () => {
		let roster = build(see('agent.volta-claude-1.heartbeat', voltaHeartbeat(), T0 + 60_000));
		roster = applySightings(roster, [
			see('agent.volta-claude-1.status', voltaStatus({ status: 'offline' }), T0)
		]);
		expect(roster.get('volta-claude-1')).toMatchObject({ lastSeen: T0 + 60_000, leftAt: null });
	});

	it('keeps who an agent says it is now when an older announcement is replayed after it', () => {
		// A console reads its history while live traffic is shown: an agent renamed itself meanwhile.
		let roster = build(
			see('agent.announce', voltaAnnounce({ name: 'New Name', capabilities: ['deploy'] }), T0 + 60_000)
		);
		roster = applySightings(roster, [
			see('agent.announce', voltaAnnounce({ name: 'Old Name', capabilities: ['code'] }), T0)
		]);
		expect(roster.get('volta-claude-1')).toMatchObject({ name: 'New Name', capabilities: ['deploy'] });
		// What only the older one says still fills in: a heartbeat says no name, the replayed announcement does.
		roster = build(see('agent.volta-claude-1.heartbeat', voltaHeartbeat(), T0 + 60_000));
		roster = applySightings(roster, [see('agent.announce', voltaAnnounce({ name: 'Old Name' }), T0)]);
		expect(roster.get('volta-claude-1')).toMatchObject({
			name: 'Old Name',
			capabilities: ['code', 'review']
		});
	});

	it('does not change the roster it is given', () => {
		const before = build(see('agent.announce', voltaAnnounce()));
		applySightings(before, [see('agent.announce', voltaAnnounce({ name: 'Renamed' }))]);
		expect(before.get('volta-claude-1')?.name).toBe('Claude Code Agent');
	});

	it('ignores invalid messages', () => {
		const data = new TextEncoder().encode('nope');
		const decoded = decode('agent.announce', data);
		expect(sightingOf(decoded, 'agent.announce', T0)).toBeNull();
	});
});

describe('agent states: the 90 s rule, and leaving', () => {
	const roster = build(see('orchestrator.broadcast.heartbeat', seedHeartbeat()));
	const agent = roster.get('emergency_stop')!;

	it('is online for 90 s after a sign of life, then stale, then offline', () => {
		expect(agentState(agent, T0 + 89_999)).toBe('online');
		expect(agentState(agent, T0 + 90_000)).toBe('stale');
		expect(agentState(agent, T0 + 299_999)).toBe('stale');
		expect(agentState(agent, T0 + 300_000)).toBe('offline');
	});

	it('is offline at once after an explicit leave, and online again when it comes back', () => {
		const left = applySightings(roster, [
			see(
				'orchestrator.broadcast.status_update',
				seedStatusUpdate({ from_agent: 'emergency_stop', content: { status: 'offline' } }),
				T0 + 1000
			)
		]);
		expect(agentState(left.get('emergency_stop')!, T0 + 1001)).toBe('offline');
		const back = applySightings(left, [see('orchestrator.broadcast.heartbeat', seedHeartbeat(), T0 + 2000)]);
		expect(agentState(back.get('emergency_stop')!, T0 + 2001)).toBe('online');
	});

	it('treats Volta’s offline status and stopping heartbeat as leaving', () => {
		const stopped = build(see('agent.volta-claude-1.heartbeat', voltaHeartbeat({ status: 'stopping' })));
		expect(agentState(stopped.get('volta-claude-1')!, T0)).toBe('offline');
	});
});

describe('filtering and listing', () => {
	const roster = build(
		see(
			'agent.announce',
			voltaAnnounce({
				id: 'ada-k3x9',
				name: 'Ada',
				kind: 'human',
				team: 'platform',
				capabilities: ['review']
			})
		),
		see(
			'agent.announce',
			voltaAnnounce({ id: 'crew-architect', name: 'Architect', kind: 'browser', capabilities: ['design'] }),
			T0 - 120_000
		),
		see('orchestrator.broadcast.heartbeat', seedHeartbeat({ from_agent: 'coder-2.1-1733409000' }))
	);
	const ids = (list: { id: string }[]) => list.map((a) => a.id);

	it('filters by text, kind, team, capability and state', () => {
		expect(ids(filterRoster(roster, { text: 'ADA' }, T0))).toEqual(['ada-k3x9']);
		expect(ids(filterRoster(roster, { kind: 'browser' }, T0))).toEqual(['crew-architect']);
		expect(ids(filterRoster(roster, { team: 'plat' }, T0))).toEqual(['ada-k3x9']);
		expect(ids(filterRoster(roster, { capability: 'design' }, T0))).toEqual(['crew-architect']);
		expect(ids(filterRoster(roster, { state: 'stale' }, T0))).toEqual(['crew-architect']);
	});

	it('lists online agents first, then by name', () => {
		expect(ids(filterRoster(roster, {}, T0))).toEqual(['ada-k3x9', 'coder-2.1-1733409000', 'crew-architect']);
		expect(countByState(roster, T0)).toEqual({ online: 2, stale: 1, offline: 0 });
	});

	it('answers Volta’s list_agents in its reply format', () => {
		const listed = toListedAgents(roster, 'online', T0);
		expect(listed).toContainEqual({
			id: 'ada-k3x9',
			name: 'Ada',
			status: 'online',
			lastSeen: new Date(T0).toISOString(),
			capabilities: ['review']
		});
		expect(ids(toListedAgents(roster, 'offline', T0))).toEqual(['crew-architect']);
		expect(toListedAgents(roster, 'all', T0)).toHaveLength(3);
	});

	it('lists only what every console can know: agents seen on subjects the server keeps, as their senders dated them', () => {
		const sent = '2026-11-21T20:30:00.250000';
		const at = Date.parse(`${sent}Z`) + 40;
		const whisper = seedStatusUpdate({
			from_agent: 'whisperer',
			message_type: 'coordination_request',
			timestamp: sent
		});
		const heartbeat = seedHeartbeat({ from_agent: 'beater', timestamp: sent });
		const known = build(
			see('orchestrator.agent.someone.coordination_request', whisper, at),
			see('orchestrator.broadcast.heartbeat', heartbeat, at)
		);
		expect(known.get('whisperer')?.storedSeen).toBeNull();
		expect(toListedAgents(known, 'all', at)).toEqual([
			expect.objectContaining({ id: 'beater', status: 'online', lastSeen: '2026-11-21T20:30:00.250Z' })
		]);
	});

	it('says how long ago in words', () => {
		expect(sinceText(T0, T0 + 2000)).toBe('just now');
		expect(sinceText(T0, T0 + 45_000)).toBe('45 s ago');
		expect(sinceText(T0, T0 + 180_000)).toBe('3 min ago');
		expect(sinceText(T0, T0 + 3 * 3600_000)).toBe('3 h ago');
	});
});

describe('compacting a long presence history', () => {
	const statusOf = (from: string, status: string, work: string) =>
		seedStatusUpdate({ from_agent: from, content: { status, work_stream_id: work } });

	it('20,000 identical status updates from one agent are held as the first and the newest 20, to the same roster', () => {
		const all = Array.from({ length: 20_000 }, (_, i) =>
			see('orchestrator.broadcast.status_update', statusOf('coder-1', 'started', '2.1'), T0 + i)
		);
		const kept = compactSightings(all);
		expect(kept).toHaveLength(21);
		expect(kept[0]).toBe(all[0]);
		expect(kept.at(-1)).toBe(all.at(-1));
		expect(applySightings(new Map(), kept)).toEqual(applySightings(new Map(), all));
	});

	it('makes the same roster as every sighting, for any mix of agents, words and work streams', () => {
		// A small deterministic generator: the same cases every run.
		let seed = 7;
		const random = (n: number) => {
			seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
			return seed % n;
		};
		const words = ['started', 'alive', 'blocked', 'online', 'stopping'];
		let left = 0;
		for (let round = 0; round < 200; round++) {
			const sightings: Sighting[] = [];
			for (let i = 0; i < 120; i++) {
				const from = `agent-${random(3)}`;
				const at = T0 + i * 10;
				const pick = random(4);
				sightings.push(
					pick === 0
						? see(
								'orchestrator.broadcast.heartbeat',
								seedHeartbeat({ from_agent: from, content: { status: words[random(5)] } }),
								at
							)
						: pick === 1
							? see('agent.announce', voltaAnnounce({ id: from, name: `Name ${random(2)}` }), at)
							: see(
									'orchestrator.broadcast.status_update',
									statusOf(from, words[random(5)], `w${random(2)}`),
									at
								)
				);
			}
			const before = applySightings(new Map(), sightings.slice(0, 10));
			const rest = sightings.slice(10);
			const kept = compactSightings(rest);
			expect(applySightings(before, kept)).toEqual(applySightings(before, rest));
			left += rest.length - kept.length;
		}
		// Not a test that cannot fail: many were left out along the way.
		expect(left).toBeGreaterThan(1_000);
	});
});
