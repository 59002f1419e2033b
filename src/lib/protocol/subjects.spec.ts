import { describe, expect, it } from 'vitest';
import { parseSubject, seedSubjects, SubjectError, voltaSubjects } from './subjects';

describe('orchestrator subjects', () => {
	it('builds the seed’s subjects', () => {
		expect(seedSubjects.broadcast('status_update')).toBe('orchestrator.broadcast.status_update');
		expect(seedSubjects.direct('coder-2.1-1733409000', 'question')).toBe(
			'orchestrator.agent.coder-2.1-1733409000.question'
		);
		expect(seedSubjects.directWildcard('emergency_stop')).toBe('orchestrator.agent.emergency_stop.>');
		expect(seedSubjects.team('backend', 'blocker')).toBe('orchestrator.team.backend.blocker');
		expect(seedSubjects.queue('test_execution')).toBe('orchestrator.queue.test_execution');
		expect(seedSubjects.queueGroup('test_execution')).toBe('test_execution_workers');
	});

	it('parses direct subjects from the right, so dotted ids survive', () => {
		expect(parseSubject('orchestrator.agent.coder-2.1-1733409000.status_update')).toEqual({
			ok: true,
			route: { kind: 'seed.direct', agentId: 'coder-2.1-1733409000', type: 'status_update' }
		});
		expect(parseSubject('orchestrator.team.phase.1.1.question')).toEqual({
			ok: true,
			route: { kind: 'seed.team', teamId: 'phase.1.1', type: 'question' }
		});
		expect(parseSubject('orchestrator.broadcast.heartbeat')).toEqual({
			ok: true,
			route: { kind: 'seed.broadcast', type: 'heartbeat' }
		});
		expect(parseSubject('orchestrator.queue.test_execution')).toEqual({
			ok: true,
			route: { kind: 'seed.queue', queue: 'test_execution' }
		});
	});

	it('round-trips every builder through the parser', () => {
		const id = 'parser-dev-001.v2';
		expect(parseSubject(seedSubjects.direct(id, 'pong'))).toMatchObject({
			route: { agentId: id, type: 'pong' }
		});
		expect(parseSubject(voltaSubjects.heartbeat(id))).toMatchObject({
			route: { kind: 'volta.heartbeat', agentId: id }
		});
	});

	it('explains subjects it cannot read', () => {
		expect(parseSubject('orchestrator.broadcast.dance')).toEqual({
			ok: false,
			reason: "'dance' in orchestrator.broadcast.dance is not a known message type"
		});
		expect(parseSubject('orchestrator.agent.question')).toMatchObject({ ok: false });
		expect(parseSubject('orchestrator..broadcast')).toMatchObject({ ok: false });
		expect(parseSubject('weather.today')).toMatchObject({ ok: false });
	});

	it('refuses to build subjects NATS could not route', () => {
		for (const id of ['', 'has space', 'star*', 'gt>', 'trailing.', '.leading', 'a..b']) {
			expect(() => seedSubjects.direct(id, 'question'), id).toThrow(SubjectError);
		}
		expect(() => seedSubjects.broadcast('dance' as never)).toThrow(/not a known message type/);
	});
});

describe('Volta Shell subjects', () => {
	it('builds and parses them', () => {
		expect(voltaSubjects.status('volta-1')).toBe('agent.volta-1.status');
		expect(parseSubject('agent.announce')).toEqual({ ok: true, route: { kind: 'volta.announce' } });
		expect(parseSubject('agent.broadcast')).toEqual({ ok: true, route: { kind: 'volta.broadcast' } });
		expect(parseSubject('agent.volta-1.message')).toEqual({
			ok: true,
			route: { kind: 'volta.message', agentId: 'volta-1' }
		});
		expect(parseSubject('mcp.list_agents')).toEqual({ ok: true, route: { kind: 'volta.list_agents' } });
		expect(parseSubject('agent.volta-1.dance')).toMatchObject({ ok: false });
	});
});

describe('patterns', () => {
	it('matches subjects against NATS wildcards', async () => {
		const { subjectMatches, covers, isValidPattern } = await import('./subjects');
		expect(subjectMatches('orchestrator.>', 'orchestrator.agent.a.b.question')).toBe(true);
		expect(subjectMatches('orchestrator.agent.*.question', 'orchestrator.agent.ada.question')).toBe(true);
		expect(subjectMatches('orchestrator.agent.*.question', 'orchestrator.agent.a.b.question')).toBe(false);
		expect(subjectMatches('agent.>', 'agent')).toBe(false);
		expect(covers('orchestrator.>', 'orchestrator.broadcast.*')).toBe(true);
		expect(covers('orchestrator.broadcast.*', 'orchestrator.>')).toBe(false);
		expect(covers('a.*', 'a.>')).toBe(false);
		expect(isValidPattern('work.>')).toBe(true);
		expect(isValidPattern('work.>.x')).toBe(false);
		expect(isValidPattern('has space.x')).toBe(false);
		expect(isValidPattern('')).toBe(false);
	});
});

describe('routine traffic', () => {
	it('is presence and progress of both dialects; what people and agents wait on is not', async () => {
		const { isRoutineSubject } = await import('./subjects');
		for (const subject of [
			'orchestrator.broadcast.heartbeat',
			'orchestrator.broadcast.status_update',
			'orchestrator.broadcast.task_complete',
			'orchestrator.agent.coder-2.1-1733409000.status_update',
			'agent.volta-1.heartbeat',
			'agent.volta-1.status',
			'agent.announce'
		])
			expect(isRoutineSubject(subject), subject).toBe(true);
		for (const subject of [
			'orchestrator.broadcast.question',
			'orchestrator.broadcast.blocker',
			'orchestrator.agent.ada.answer',
			'orchestrator.team.web.question',
			'agent.volta-1.message',
			'agent.broadcast',
			'mcp.list_agents',
			'orchestrator.broadcast.not_a_type',
			'orchestrator.tasks.queue'
		])
			expect(isRoutineSubject(subject), subject).toBe(false);
	});
});
