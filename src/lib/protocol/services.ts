/**
 * The NATS services protocol (`$SRV.PING|INFO|STATS[.name[.id]]`), so standard tooling
 * (`nats micro ls`) lists Switchboard participants. Replies follow the `io.nats.micro.v1` schemas.
 */

/** A service name as the protocol allows it. */
export const SERVICE_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/u;

export interface ServiceDescription {
	name: string;
	id: string;
	version: string;
	description: string;
	metadata: Record<string, string>;
	endpoints: Array<{
		name: string;
		subject: string;
		queue_group?: string;
		metadata?: Record<string, string> | null;
	}>;
	started: Date;
}

export type ServiceVerb = 'PING' | 'INFO' | 'STATS';

/** The subjects a service instance answers on: every verb, bare, by name and by name and id. */
export function serviceSubjects(name: string, id: string): Array<{ subject: string; verb: ServiceVerb }> {
	const verbs: ServiceVerb[] = ['PING', 'INFO', 'STATS'];
	return verbs.flatMap((verb) => [
		{ subject: `$SRV.${verb}`, verb },
		{ subject: `$SRV.${verb}.${name}`, verb },
		{ subject: `$SRV.${verb}.${name}.${id}`, verb }
	]);
}

export function serviceResponse(service: ServiceDescription, verb: ServiceVerb): Record<string, unknown> {
	const base = { name: service.name, id: service.id, version: service.version, metadata: service.metadata };
	switch (verb) {
		case 'PING':
			return { type: 'io.nats.micro.v1.ping_response', ...base };
		case 'INFO':
			return {
				type: 'io.nats.micro.v1.info_response',
				...base,
				description: service.description,
				endpoints: service.endpoints.map((e) => ({ queue_group: 'q', metadata: null, ...e }))
			};
		case 'STATS':
			return {
				type: 'io.nats.micro.v1.stats_response',
				...base,
				started: service.started.toISOString(),
				endpoints: service.endpoints.map((e) => ({
					name: e.name,
					subject: e.subject,
					queue_group: e.queue_group ?? 'q',
					num_requests: 0,
					num_errors: 0,
					last_error: '',
					processing_time: 0,
					average_processing_time: 0
				}))
			};
	}
}
