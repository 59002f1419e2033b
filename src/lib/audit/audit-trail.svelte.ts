/**
 * The audit trail in the page, as every console sees it: replayed on join, then live. Whoever acts
 * (steering, the inbox) writes a record and adds it here; everyone else's record arrives by the bus.
 */
import type { BusConnection } from '$lib/connection/ui';
import { describeError } from '$lib/connection';
import { AUDIT_SUBJECTS, toJsonLines, type AuditRecord } from '$lib/protocol';
import { appendAudit, decodeAuditEntry, openAudit, replayAudit, type InvalidAuditEntry } from './audit-store';
import { isFinalFault, pauseBeforeRetry } from '$lib/storage';

export class AuditTrail {
	/** Every record kept, oldest first: what this console and all the others did. */
	records = $state.raw<AuditRecord[]>([]);
	/** What the audit subjects held that is not a record: counted and shown, never trusted. */
	invalid = $state.raw<InvalidAuditEntry[]>([]);
	/** Why the trail cannot be read here (storage missing, permission), in words; actions that need it are refused. */
	problem = $state<string | null>(null);

	#bus: BusConnection;
	#seen = new Set<string>();
	#stops: Array<() => void> = [];
	#generation = 0;

	constructor(bus: BusConnection) {
		this.#bus = bus;
	}

	/** Listens for new records first, then reads what is kept: nothing written meanwhile is missed. */
	start(): void {
		this.stop();
		const generation = this.#generation;
		this.#stops.push(
			this.#bus.subscribe(AUDIT_SUBJECTS, (msg) => {
				const read = decodeAuditEntry(msg.subject, msg.data, Date.now());
				if (read.ok) this.add([read.record]);
				else this.invalid = [...this.invalid, read.entry];
			})
		);
		void this.#replay(generation);
	}

	/**
	 * Reads what is kept. A cluster that just lost a node answers JetStream only once it has elected
	 * new leaders: a timeout is tried again, with a pause; what will not mend is said in words.
	 */
	async #replay(generation: number) {
		const nc = this.#bus.nats;
		for (let attempt = 1; generation === this.#generation; attempt++) {
			try {
				await openAudit(nc);
				await replayAudit(nc, (records, invalid) => {
					if (generation !== this.#generation) return;
					this.add(records);
					if (invalid.length) this.invalid = [...this.invalid, ...invalid];
				});
				if (generation === this.#generation) this.problem = null;
				return;
			} catch (error) {
				if (generation !== this.#generation) return;
				const final = isFinalFault(error) || attempt >= 30;
				this.problem = `The audit trail cannot be read${final ? '' : ' yet'}: ${describeError(error)}. ${final ? 'What it must record is refused until it can be kept.' : 'Trying again…'}`;
				if (final) return;
				await pauseBeforeRetry(attempt);
			}
		}
	}

	stop(): void {
		this.#generation += 1;
		for (const stop of this.#stops.splice(0)) stop();
		this.records = [];
		this.invalid = [];
		this.#seen.clear();
		this.problem = null;
	}

	/** Records about one agent, oldest first. */
	recordsFor(agentId: string): AuditRecord[] {
		return this.records.filter((record) => record.agent === agentId);
	}

	/** Records about one question, oldest first. */
	recordsOfQuestion(key: string): AuditRecord[] {
		return this.records.filter((record) => record.question === key);
	}

	/** JSON Lines: every record (or one agent's), oldest first, each exactly as kept. */
	exportJsonLines(agentId?: string): string {
		return toJsonLines(agentId ? this.recordsFor(agentId) : this.records);
	}

	/** Writes a record (the server acknowledges it) and shows it at once. Throws an AuditError. */
	async write(record: AuditRecord): Promise<void> {
		await appendAudit(this.#bus.nats, record);
		this.add([record]);
	}

	/** Adds records not seen yet (the same record may come live and from the replay), in time order. */
	add(records: readonly AuditRecord[]): void {
		const fresh = records.filter((record) => {
			const key = JSON.stringify(record);
			if (this.#seen.has(key)) return false;
			this.#seen.add(key);
			return true;
		});
		if (fresh.length === 0) return;
		this.records = [...this.records, ...fresh].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
	}
}
