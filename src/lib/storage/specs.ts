/**
 * Every stream and bucket Switchboard keeps on the server, with its exact settings: the one list that
 * `switchboard setup`, `npm start`, `npm run cluster`, the consoles and the SDK provision and check
 * against (docs/protocol.md §7). Pure: no NATS client, so the settings and the words that explain a
 * difference are unit-tested in Node.
 */

import { AUDIT_RECORD_LIMIT, AUDIT_SUBJECTS, subjectMatches } from '../protocol';

const SECOND_NS = 1_000_000_000;
const MINUTE_NS = 60 * SECOND_NS;
const DAY_NS = 24 * 60 * MINUTE_NS;
const KiB = 1024;
const MiB = 1024 * KiB;

/** The stream settings Switchboard decides; everything else is the server's default. */
export interface StreamSettings {
	subjects: string[];
	max_age: number;
	max_bytes: number;
	max_msg_size: number;
	max_msgs: number;
	max_msgs_per_subject: number;
	discard: 'old' | 'new';
	discard_new_per_subject: boolean;
	deny_delete: boolean;
	deny_purge: boolean;
	allow_rollup_hdrs: boolean;
	no_ack: boolean;
	num_replicas: number;
}

export interface StreamSpec {
	/** The stream's name on the server (a KV bucket's stream is `KV_<bucket>`). */
	stream: string;
	/** For a KV bucket, its name; provisioned through the KV API so clients open it as a bucket. */
	bucket?: string;
	description: string;
	/** Why these settings, in a sentence: printed by `switchboard setup --check`. */
	why: string;
	settings: Omit<StreamSettings, 'num_replicas'>;
}

/** The largest question or blocker the inbox keeps; the SDK refuses a bigger one before sending. */
export const QUESTION_LIMIT = 64 * KiB;
/** The largest answer record (it repeats the question's text, so a little more than a question). */
export const ANSWER_RECORD_LIMIT = 96 * KiB;

export const PRESENCE_STREAM = 'SWITCHBOARD_PRESENCE';
export const ANNOUNCE_STREAM = 'SWITCHBOARD_ANNOUNCE';
export const INBOX_STREAM = 'SWITCHBOARD_INBOX';
export const ANSWERS_STREAM = 'SWITCHBOARD_ANSWERS';
export const CLAIMS_BUCKET = 'switchboard_claims';
export const AUDIT_STREAM = 'SWITCHBOARD_AUDIT';
/** Before answers had a write-once stream they were kept here; `switchboard setup` copies them over. */
export const LEGACY_INBOX_BUCKET = 'switchboard_inbox';

/** The subject an answer record is written to: one per question, `q_{fnv1a64(question_id)}`. */
export const answerSubject = (key: string) => `switchboard.answer.${key}`;
export const ANSWER_SUBJECTS = 'switchboard.answer.*';

/** Heartbeats, status and work claims of both dialects: enough for the 90 s rule and more. */
export const PRESENCE_SUBJECTS = [
	'orchestrator.broadcast.heartbeat',
	'orchestrator.broadcast.status_update',
	'orchestrator.broadcast.task_assigned',
	'orchestrator.broadcast.task_complete',
	'orchestrator.broadcast.task_failed',
	'agent.*.status',
	'agent.*.heartbeat',
	'agent.*.*.status',
	'agent.*.*.heartbeat'
];

/**
 * Questions and blockers of every audience, Volta messages (queries and their responses), and the
 * durable answers to askers (ids with up to two dots). Heartbeats are elsewhere: they cannot evict these.
 */
export const INBOX_SUBJECTS = [
	'orchestrator.broadcast.question',
	'orchestrator.broadcast.blocker',
	'orchestrator.agent.*.question',
	'orchestrator.agent.*.blocker',
	'orchestrator.team.*.question',
	'orchestrator.team.*.blocker',
	'orchestrator.agent.*.answer',
	'orchestrator.agent.*.*.answer',
	'orchestrator.agent.*.*.*.answer',
	'agent.broadcast',
	'agent.*.message',
	'agent.*.*.message'
];

const UNSET = {
	max_msgs: -1,
	max_msgs_per_subject: -1,
	discard_new_per_subject: false,
	deny_delete: false,
	deny_purge: false,
	allow_rollup_hdrs: false
} as const;

export const PRESENCE_SPEC: StreamSpec = {
	stream: PRESENCE_STREAM,
	description: 'Switchboard: recent presence traffic, replayed by consoles that join later',
	why: 'ten minutes outlasts the 90 s rule and the 5 min offline mark; heartbeats may evict heartbeats',
	settings: {
		...UNSET,
		subjects: PRESENCE_SUBJECTS,
		max_age: 10 * MINUTE_NS,
		max_bytes: 64 * MiB,
		max_msg_size: 64 * KiB,
		discard: 'old',
		// These subjects are not used for request/reply, but an ack would still go to any reply subject.
		no_ack: true
	}
};

export const ANNOUNCE_SPEC: StreamSpec = {
	stream: ANNOUNCE_STREAM,
	description: 'Switchboard: Volta Shell announcements, replayed by consoles that join later',
	why: 'Volta agents announce once, at start: a week of announcements',
	settings: {
		...UNSET,
		subjects: ['agent.announce'],
		max_age: 7 * DAY_NS,
		max_bytes: 16 * MiB,
		max_msg_size: 16 * KiB,
		max_msgs: 10_000,
		discard: 'old',
		no_ack: true
	}
};

/**
 * `discard: new` is what keeps a flood from erasing questions: when the stream is full the server
 * refuses new messages instead of evicting the oldest, so junk can never push out what was asked
 * before it. Messages over 64 KiB are refused outright, so 1 MB junk is not kept at all. No acks:
 * agents ask on these subjects with request/reply, and an ack would answer them before a person could.
 */
export const INBOX_SPEC: StreamSpec = {
	stream: INBOX_STREAM,
	description: 'Switchboard: questions and blockers for humans, and the answers to them',
	why: 'a full stream refuses new messages rather than evicting open questions; 30 days, 64 KiB each',
	settings: {
		...UNSET,
		subjects: INBOX_SUBJECTS,
		max_age: 30 * DAY_NS,
		max_bytes: 128 * MiB,
		max_msg_size: QUESTION_LIMIT,
		discard: 'new',
		no_ack: true
	}
};

/**
 * The record that decides who answered: one message per question subject, and the server refuses a
 * second one (`discard_new_per_subject`), a delete marker (same rule), a roll-up purge
 * (`allow_rollup_hdrs: false`), and message deletes and stream purges (`deny_delete`, `deny_purge`,
 * which not even an admin can turn off again). Answers are kept as long as their questions.
 */
export const ANSWERS_SPEC: StreamSpec = {
	stream: ANSWERS_STREAM,
	description: 'Switchboard: the first answer to each question, write-once',
	why: 'one answer per question, never replaced, deleted or purged, whoever the client is',
	settings: {
		...UNSET,
		subjects: [ANSWER_SUBJECTS],
		max_age: 30 * DAY_NS,
		max_bytes: 256 * MiB,
		max_msg_size: ANSWER_RECORD_LIMIT,
		max_msgs_per_subject: 1,
		discard: 'new',
		discard_new_per_subject: true,
		deny_delete: true,
		deny_purge: true,
		no_ack: false
	}
};

/**
 * Claims ("I'm on it"), which people release, and the markers that say a question was asked (so an
 * asker that restarts does not ask twice): a KV bucket, one value per key. Apart from the answers,
 * because a claim must be deletable and an answer must not.
 */
export const CLAIMS_SPEC: StreamSpec = {
	stream: `KV_${CLAIMS_BUCKET}`,
	bucket: CLAIMS_BUCKET,
	description: 'Switchboard: who is on each question, and which questions were asked',
	why: 'claims are released by deleting them, so they live apart from the write-once answers',
	settings: {
		...UNSET,
		subjects: [`$KV.${CLAIMS_BUCKET}.>`],
		max_age: 30 * DAY_NS,
		max_bytes: 16 * MiB,
		max_msg_size: 4 * KiB,
		max_msgs_per_subject: 1,
		discard: 'new',
		allow_rollup_hdrs: true,
		no_ack: false
	}
};

/**
 * What people did to the crew (steering, pings, …): kept 90 days, and nobody — not even an admin —
 * may delete a record or purge the stream (`deny_delete`, `deny_purge`). When full, the oldest
 * records go (`discard: old`): an audit trail that refused new records would stop people steering.
 * Acknowledged, so a console knows its record is kept before it acts.
 */
export const AUDIT_SPEC: StreamSpec = {
	stream: AUDIT_STREAM,
	description: 'Switchboard: what people did to the crew, and who',
	why: 'records of steering and hand-overs, 90 days, never deleted or purged; the oldest go when full',
	settings: {
		...UNSET,
		subjects: [AUDIT_SUBJECTS],
		max_age: 90 * DAY_NS,
		max_bytes: 64 * MiB,
		max_msg_size: AUDIT_RECORD_LIMIT,
		discard: 'old',
		deny_delete: true,
		deny_purge: true,
		no_ack: false
	}
};

/**
 * The settings that make answers write-once. An answers stream that differs in these was not made by
 * Switchboard's setup and may hold forged answers; one that differs only in size, age or replicas
 * (say, made on a single server before it joined a cluster) is safe to correct.
 */
export const WRITE_ONCE_SETTINGS: ReadonlyArray<keyof StreamSettings> = [
	'subjects',
	'max_msgs_per_subject',
	'discard',
	'discard_new_per_subject',
	'deny_delete',
	'deny_purge',
	'allow_rollup_hdrs'
];

/** Every stream and bucket, in the order they are provisioned. */
export const STORAGE: readonly StreamSpec[] = [
	ANNOUNCE_SPEC,
	PRESENCE_SPEC,
	INBOX_SPEC,
	ANSWERS_SPEC,
	CLAIMS_SPEC,
	AUDIT_SPEC
];

/** What the inbox needs (questions, answers, claims) and what the roster's history needs. */
export const INBOX_STORAGE = [INBOX_SPEC, ANSWERS_SPEC, CLAIMS_SPEC] as const;
export const PRESENCE_STORAGE = [ANNOUNCE_SPEC, PRESENCE_SPEC] as const;
/** What steering and the audit trail need. */
export const AUDIT_STORAGE = [AUDIT_SPEC] as const;

/** The full settings for a server: three copies on a cluster, so losing a node loses nothing. */
export function settingsFor(spec: StreamSpec, replicas: number): StreamSettings {
	return { ...spec.settings, num_replicas: replicas };
}

/** What the server reports when a setting was never set (it leaves some keys out). */
const SERVER_DEFAULTS: StreamSettings = {
	subjects: [],
	max_age: 0,
	max_bytes: -1,
	max_msg_size: -1,
	max_msgs: -1,
	max_msgs_per_subject: -1,
	discard: 'old',
	discard_new_per_subject: false,
	deny_delete: false,
	deny_purge: false,
	allow_rollup_hdrs: false,
	no_ack: false,
	num_replicas: 1
};

const KEYS = Object.keys(SERVER_DEFAULTS) as Array<keyof StreamSettings>;

const LABELS: Record<keyof StreamSettings, string> = {
	subjects: 'subjects',
	max_age: 'max age',
	max_bytes: 'max bytes',
	max_msg_size: 'max message size',
	max_msgs: 'max messages',
	max_msgs_per_subject: 'messages per subject',
	discard: 'discard policy',
	discard_new_per_subject: 'discard new per subject',
	deny_delete: 'deny delete',
	deny_purge: 'deny purge',
	allow_rollup_hdrs: 'allow roll-ups',
	no_ack: 'no acks',
	num_replicas: 'replicas'
};

function describeValue(key: keyof StreamSettings, value: unknown): string {
	if (key === 'subjects') return (value as string[]).join(', ') || '(none)';
	if (typeof value === 'boolean') return value ? 'on' : 'off';
	if (typeof value === 'number') {
		if (value <= 0 && key !== 'num_replicas') return 'unlimited';
		if (key === 'max_age') return duration(value);
		if (key === 'max_bytes' || key === 'max_msg_size') return bytes(value);
		return value.toLocaleString('en');
	}
	return String(value);
}

function duration(ns: number): string {
	const seconds = ns / SECOND_NS;
	if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
	if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
	if (seconds % 60 === 0) return `${seconds / 60} min`;
	return `${seconds} s`;
}

function bytes(n: number): string {
	if (n % MiB === 0) return `${n / MiB} MiB`;
	if (n % KiB === 0) return `${n / KiB} KiB`;
	return `${n} bytes`;
}

const sameSubjects = (a: readonly string[], b: readonly string[]) =>
	a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * How a stream on the server differs from what Switchboard needs, one sentence per setting
 * ("max age is 2 s; Switchboard needs 30 days"). Empty when it matches. `actual` is the server's
 * config as it reported it: untrusted, so anything odd is a difference, never an exception.
 */
export function differences(
	expected: StreamSettings,
	actual: Record<string, unknown>,
	keys: ReadonlyArray<keyof StreamSettings> = KEYS
): string[] {
	const found: string[] = [];
	for (const key of keys) {
		const want = expected[key];
		const raw = actual[key] ?? SERVER_DEFAULTS[key];
		if (key === 'subjects') {
			const have = Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : [];
			if (!sameSubjects(have, want as string[]))
				found.push(`subjects are ${describeValue(key, have)}; Switchboard needs ${describeValue(key, want)}`);
			continue;
		}
		if (raw === want) continue;
		// The server reports "no limit" as -1 or 0 depending on the setting and version.
		if (typeof want === 'number' && typeof raw === 'number' && want <= 0 && raw <= 0) continue;
		found.push(`${LABELS[key]} is ${describeValue(key, raw)}; Switchboard needs ${describeValue(key, want)}`);
	}
	return found;
}

const STORED_SUBJECTS = [ANNOUNCE_SPEC, PRESENCE_SPEC, INBOX_SPEC].flatMap((spec) => spec.settings.subjects);
const storedCache = new Map<string, boolean>();

/**
 * Whether the server keeps messages on this subject (presence, announcements, questions): what every
 * console can know, whenever it joined. Cached per subject (bounded), since the roster asks per message.
 */
export function isStoredSubject(subject: string): boolean {
	let stored = storedCache.get(subject);
	if (stored === undefined) {
		stored = STORED_SUBJECTS.some((pattern) => subjectMatches(pattern, subject));
		if (storedCache.size >= 10_000) storedCache.clear();
		storedCache.set(subject, stored);
	}
	return stored;
}

/** The settings as one line, for `switchboard setup` and the docs. */
export function describeSettings(settings: StreamSettings): string {
	const shown: string[] = [];
	for (const key of KEYS) {
		if (key === 'subjects') continue;
		const value = settings[key];
		if (value === SERVER_DEFAULTS[key] && key !== 'num_replicas') continue;
		shown.push(`${LABELS[key]} ${describeValue(key, value)}`);
	}
	return shown.join(', ');
}
