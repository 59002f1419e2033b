/**
 * Messages exactly as the seed systems put them on the wire, for tests and demos. Each factory
 * returns a fresh valid object; pass overrides to make the case a test needs.
 */
import { MESSAGE_TYPES } from './envelope';

const encoder = new TextEncoder();

/**
 * What the orchestrator's Python receiver checks before it hands a message on: the four required keys,
 * a known message type, and a timestamp that `datetime.fromisoformat` reads on every Python 3.7+
 * (3.7–3.10 take no `Z` and only 3 or 6 fraction digits).
 */
export function seedReceiverAccepts(bytes: Uint8Array): boolean {
	let data: Record<string, unknown>;
	try {
		data = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
	} catch {
		return false;
	}
	const required = ['from_agent', 'message_type', 'content', 'timestamp'];
	if (!required.every((key) => key in data)) return false;
	if (!(MESSAGE_TYPES as readonly unknown[]).includes(data.message_type)) return false;
	return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?$/.test(String(data.timestamp));
}

/** JSON bytes, as a NATS payload. */
export function jsonBytes(value: unknown): Uint8Array {
	return encoder.encode(JSON.stringify(value));
}

/** A seed `status_update` broadcast, as `coder-2.1-1733409000` sends it (zone-less UTC timestamp). */
export function seedStatusUpdate(overrides: Record<string, unknown> = {}) {
	return {
		from_agent: 'coder-2.1-1733409000',
		to_agent: null,
		message_type: 'status_update',
		content: { work_stream_id: '2.1', status: 'started' },
		timestamp: '2025-12-07T23:11:11.123456',
		correlation_id: null,
		...overrides
	};
}

/** A seed QUESTION sent directly, with the documented content. */
export function seedQuestion(overrides: Record<string, unknown> = {}) {
	return {
		from_agent: 'parser-dev-001',
		to_agent: 'architect',
		message_type: 'question',
		content: { question: 'Is Task model ready?', context: { file: 'src/models/task.py' }, urgency: 'high' },
		timestamp: '2025-12-07T23:11:11',
		correlation_id: 'parser-dev-001-1733409000.123456',
		...overrides
	};
}

/** A seed BLOCKER broadcast. */
export function seedBlocker(overrides: Record<string, unknown> = {}) {
	return {
		from_agent: 'decomposer',
		to_agent: null,
		message_type: 'blocker',
		content: { blocker: 'TaskParser API not merged', work_stream: '1.1', impact: 'critical' },
		timestamp: '2025-12-07T23:12:00.5',
		correlation_id: null,
		...overrides
	};
}

/** A seed heartbeat on `orchestrator.broadcast.heartbeat`. */
export function seedHeartbeat(overrides: Record<string, unknown> = {}) {
	return {
		from_agent: 'emergency_stop',
		to_agent: null,
		message_type: 'heartbeat',
		content: { status: 'alive', uptime: 1234.5 },
		timestamp: '2025-12-07T23:11:41.000001',
		correlation_id: null,
		...overrides
	};
}

export function voltaAnnounce(overrides: Record<string, unknown> = {}) {
	return {
		id: 'volta-claude-1',
		name: 'Claude Code Agent',
		capabilities: ['code', 'review'],
		timestamp: '2025-12-07T23:11:11.123Z',
		...overrides
	};
}

export function voltaHeartbeat(overrides: Record<string, unknown> = {}) {
	return {
		agentId: 'volta-claude-1',
		status: 'alive',
		timestamp: '2025-12-07T23:11:41.123Z',
		uptime: 30000,
		tasksProcessed: 2,
		...overrides
	};
}

export function voltaStatus(overrides: Record<string, unknown> = {}) {
	return { agentId: 'volta-claude-1', status: 'online', timestamp: '2025-12-07T23:11:41.123Z', ...overrides };
}

export function voltaQuery(overrides: Record<string, unknown> = {}) {
	return {
		from: 'volta-claude-1',
		to: 'ada-k3x9',
		message: 'Which database should the task store use?',
		type: 'query',
		metadata: { requestId: 'req-42' },
		timestamp: '2025-12-07T23:11:41.123Z',
		...overrides
	};
}
