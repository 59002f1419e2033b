/**
 * Provisioning and checking Switchboard's storage on a server (specs.ts says what and why). The admin
 * runs `provisionStorage` once (`switchboard setup`, and `npm start` / `npm run cluster` before they
 * say "running"); consoles and SDK agents only `requireStorage`: they never create or change a stream,
 * and refuse, in words, one that is missing or has other settings. Any NatsConnection.
 */
import { PermissionViolationError, type NatsConnection } from '@nats-io/nats-core';
import type { StreamConfig } from '@nats-io/jetstream';
import { AnswerRecordSchema, parseJson, questionKey } from '../protocol';
import { describeError } from '../connection';
import { loadJetStream } from './read';
import {
	ANSWERS_SPEC,
	LEGACY_INBOX_BUCKET,
	STORAGE,
	WRITE_ONCE_SETTINGS,
	answerSubject,
	describeSettings,
	differences,
	settingsFor,
	type StreamSpec
} from './specs';

export type StorageOutcome = 'created' | 'found' | 'updated' | 'missing' | 'differs' | 'failed';

export interface StorageReport {
	spec: StreamSpec;
	outcome: StorageOutcome;
	/** What differs, what changed, or what the server said. */
	details: string[];
}

/** JetStream error codes this module tells apart (nats-server's `errors.json`). */
const STREAM_NOT_FOUND = 10059;

/** Where to send a person whose server lacks Switchboard's storage. */
export const HOW_TO_PROVISION =
	'Run `npx switchboard setup` against this server with its admin credentials (NATS_URL, NATS_USER, NATS_PASSWORD); `npm start` and `npm run cluster` do it themselves.';

/**
 * How many copies Switchboard's streams and bucket keep: three on a cluster (nats/cluster/), so that
 * losing a node loses no question, claim or answer; one on a single server. A cluster's servers tell
 * clients of each other (connect_urls); a hub with leaf nodes has a cluster name too, but is one server.
 */
export function replicasFor(nc: NatsConnection): number {
	return nc.info?.cluster && (nc.info.connect_urls?.length ?? 0) > 0 ? 3 : 1;
}

/** The stream's config as the server reports it, or null when there is no such stream. */
async function currentConfig(nc: NatsConnection, name: string): Promise<Record<string, unknown> | null> {
	const { jetstreamManager, JetStreamApiError } = await loadJetStream();
	const jsm = await jetstreamManager(nc);
	try {
		return (await jsm.streams.info(name)).config as unknown as Record<string, unknown>;
	} catch (error) {
		if (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) return null;
		throw error;
	}
}

/**
 * Compares each stream and bucket with Switchboard's settings and touches nothing: what a console or
 * an agent does before it uses them.
 */
export async function checkStorage(
	nc: NatsConnection,
	specs: readonly StreamSpec[] = STORAGE
): Promise<StorageReport[]> {
	const replicas = replicasFor(nc);
	return Promise.all(
		specs.map(async (spec): Promise<StorageReport> => {
			const config = await currentConfig(nc, spec.stream);
			if (!config) return { spec, outcome: 'missing', details: [] };
			const found = differences(settingsFor(spec, replicas), config);
			return { spec, outcome: found.length ? 'differs' : 'found', details: found };
		})
	);
}

/** Storage that is missing or not as Switchboard needs it; the message says what and what to run. */
export class StorageError extends Error {
	override name = 'StorageError';
	constructor(readonly reports: StorageReport[]) {
		super(describeProblems(reports));
	}
}

function label(spec: StreamSpec) {
	return spec.bucket ? `the KV bucket ${spec.bucket}` : `the stream ${spec.stream}`;
}

export function describeProblems(reports: StorageReport[]): string {
	const missing = reports.filter((r) => r.outcome === 'missing').map((r) => label(r.spec));
	const differ = reports
		.filter((r) => r.outcome === 'differs')
		.map((r) => `${label(r.spec)} has other settings than Switchboard's (${r.details.join('; ')})`);
	const parts = [
		...(missing.length ? [`${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`] : []),
		...differ
	];
	return `Switchboard's storage on this server is not set up as it needs: ${parts.join('; ')}. It was not used. ${HOW_TO_PROVISION}`;
}

/** Throws StorageError unless every one of `specs` exists with Switchboard's settings. */
export async function requireStorage(nc: NatsConnection, specs: readonly StreamSpec[]): Promise<void> {
	const reports = await checkStorage(nc, specs);
	const problems = reports.filter((r) => r.outcome !== 'found');
	if (problems.length) throw new StorageError(problems);
}

/**
 * Creates every stream and bucket that is missing and brings the others to Switchboard's settings.
 * Idempotent: a second run finds everything and changes nothing. The answers stream is the exception:
 * one whose write-once settings differ was not made by this setup, so the records in it cannot be
 * trusted; it is reported and left for an admin to remove. Needs a user allowed to manage streams.
 */
export async function provisionStorage(nc: NatsConnection): Promise<StorageReport[]> {
	const { jetstreamManager } = await loadJetStream();
	const jsm = await jetstreamManager(nc);
	const replicas = replicasFor(nc);
	const reports: StorageReport[] = [];
	for (const spec of STORAGE) {
		const settings = settingsFor(spec, replicas);
		try {
			const config = await currentConfig(nc, spec.stream);
			if (!config) {
				await create(nc, spec, replicas);
				reports.push({ spec, outcome: 'created', details: [describeSettings(settings)] });
				continue;
			}
			const found = differences(settings, config);
			if (!found.length) {
				reports.push({ spec, outcome: 'found', details: [] });
			} else if (spec === ANSWERS_SPEC && differences(settings, config, WRITE_ONCE_SETTINGS).length) {
				reports.push({
					spec,
					outcome: 'differs',
					details: [
						...found,
						`it was not created by Switchboard's setup, so the answers in it cannot be trusted: remove it as an admin (nats stream rm ${spec.stream}) and run setup again`
					]
				});
			} else {
				const update = { ...config, ...settings, name: spec.stream } as unknown as StreamConfig;
				await jsm.streams.update(spec.stream, update);
				reports.push({ spec, outcome: 'updated', details: found });
			}
		} catch (error) {
			const refused = [error, error instanceof Error ? error.cause : null].some(
				(e) => e instanceof PermissionViolationError
			);
			reports.push({
				spec,
				outcome: 'failed',
				details: [
					refused
						? `${describeError(error)}: run setup as a user allowed to manage streams (on npm start's server: NATS_USER=admin, NATS_PASSWORD from <data folder>/admin-password)`
						: describeError(error)
				]
			});
		}
	}
	const copied = await copyLegacyAnswers(nc).catch((error: unknown): StorageReport => ({
		spec: ANSWERS_SPEC,
		outcome: 'failed',
		details: [
			`the answers in the old bucket ${LEGACY_INBOX_BUCKET} could not be copied: ${describeError(error)}`
		]
	}));
	if (copied) reports.push(copied);
	return reports;
}

async function create(nc: NatsConnection, spec: StreamSpec, replicas: number) {
	const settings = settingsFor(spec, replicas);
	if (spec.bucket) {
		// Through the KV API, so every client opens it as the bucket it expects.
		const { Kvm } = await import('@nats-io/kv');
		await new Kvm(nc).create(spec.bucket, {
			history: settings.max_msgs_per_subject,
			max_bytes: settings.max_bytes,
			maxValueSize: settings.max_msg_size,
			ttl: settings.max_age / 1_000_000,
			replicas,
			description: spec.description
		});
		return;
	}
	const { jetstreamManager } = await loadJetStream();
	const jsm = await jetstreamManager(nc);
	await jsm.streams.add({
		name: spec.stream,
		description: spec.description,
		storage: 'file',
		...settings
	} as Partial<StreamConfig> & { name: string });
}

/**
 * Servers set up before answers had their own stream kept them, with claims and "asked" markers, in
 * the KV bucket `switchboard_inbox`, under keys made from the question id alone. Copies each valid
 * answer once into the write-once stream, under the key of its asker and question id (a second run is
 * refused per subject, so copying is idempotent). Claims and "asked" markers are left behind: they do
 * not say who asked, and an asker resuming after the upgrade asks once more rather than never.
 */
async function copyLegacyAnswers(nc: NatsConnection): Promise<StorageReport | null> {
	if (!(await currentConfig(nc, `KV_${LEGACY_INBOX_BUCKET}`))) return null;
	const { Kvm } = await import('@nats-io/kv');
	const { jetstream } = await loadJetStream();
	const js = jetstream(nc);
	const legacy = await new Kvm(nc).open(LEGACY_INBOX_BUCKET);
	let answers = 0;
	for await (const key of await legacy.keys()) {
		if (!key.endsWith('.answer')) continue;
		const entry = await legacy.get(key);
		if (!entry || entry.operation !== 'PUT') continue;
		const body = parseJson(entry.value);
		const record = body.ok ? AnswerRecordSchema.safeParse(body.value) : null;
		if (!record?.success) continue;
		const rekeyed = questionKey(record.data.question.from, record.data.question_id);
		try {
			await js.publish(answerSubject(rekeyed), entry.value, { expect: { lastSubjectSequence: 0 } });
			answers++;
		} catch {
			// already copied by an earlier run
		}
	}
	if (!answers) return null;
	return {
		spec: ANSWERS_SPEC,
		outcome: 'updated',
		details: [
			`copied ${answers} answer${answers === 1 ? '' : 's'} from the old bucket ${LEGACY_INBOX_BUCKET}; it is no longer used (nats kv del ${LEGACY_INBOX_BUCKET} removes it)`
		]
	};
}

/**
 * Waits until JetStream answers: a cluster's nodes take a few seconds to elect a leader after they
 * start. Throws the last error when it does not come in time.
 */
export async function waitForJetStream(nc: NatsConnection, timeoutMs = 30_000): Promise<void> {
	const { jetstreamManager } = await loadJetStream();
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			await (await jetstreamManager(nc, { timeout: 2_000 })).getAccountInfo();
			return;
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
}

const VERBS: Record<StorageOutcome, string> = {
	created: 'created',
	found: 'found as Switchboard needs it',
	updated: 'updated',
	missing: 'missing',
	differs: 'has other settings than Switchboard needs, and was left as it is',
	failed: 'could not be set up'
};

/** One line for a person: "created the stream SWITCHBOARD_INBOX: max age 30 days, …". */
export function describeReport(report: StorageReport): string {
	const details = report.details.length ? `: ${report.details.join('; ')}` : '';
	return `${label(report.spec)} ${VERBS[report.outcome]}${details}`;
}
