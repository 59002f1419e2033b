/** `switchboard ask`: ask the humans on the bus and print the answer. */
import { FieldsSchema, describeIssues, visibleControls } from '../../lib/protocol';
import { AnswerRejectedError, AskTimeoutError, NoHumanOnlineError, type AskProgress } from '../../sdk';
import { EXIT, defineCommand, oneOf, parseContent, withAgent } from '../command';
import { colour, parseDuration, progress, safeJson, UsageError } from '../format';

/** Progress for the person at the terminal, on stderr. */
function reportProgress(event: AskProgress): void {
	if (event.type === 'humans') {
		progress(
			event.online.length > 0
				? `${event.online.length} ${event.online.length === 1 ? 'person' : 'people'} online: ${event.online.map((h) => h.name).join(', ')}`
				: 'Nobody is online right now: the question waits in the inbox until someone answers.'
		);
	} else if (event.type === 'asked')
		progress(`Asked (question id ${event.questionId}). Waiting for an answer…`);
	else if (event.type === 'resumed')
		progress(`Already asked (question id ${event.questionId}). Waiting for the answer…`);
	else if (event.type === 'claimed') progress(`${event.by.name} is on it.`);
	else if (event.type === 'ignored') progress(`Ignored ${event.reason}.`);
	else if (event.type === 'escalated')
		progress(
			`Still unanswered after ${Math.round(event.waitedSeconds / 60)} min: escalated to everyone online.`
		);
	else progress('Released: waiting for someone else.');
}

export const ask = defineCommand({
	name: 'ask',
	synopsis: 'ask "question"',
	summary: 'ask a human and print the answer',
	help: `switchboard ask "question" [options]

Asks the humans on the bus and waits for an answer. The answer goes to stdout; progress (who is
online, who is on it) goes to stderr. The question is kept in the inbox even if nobody is online.

Options:
      --options a,b,c     one-click answers
      --fields JSON       a form: {"env":{"type":"string","enum":["staging","prod"],"required":true}}
      --urgency LEVEL     low, medium or high
      --context TEXT      what the human needs to know
      --to ID             ask one person (or agent) directly
      --team TEAM         ask a team
      --capability LIST   what the person must handle (deploy, databases…): shown "for you" to
                          the people who said they can help with it
      --timeout DURATION  give up after 30s, 10m, 2h… (the question stays in the inbox)
      --deadline ISO      shown to the human as a countdown; also the timeout
      --id KEY            an idempotency key: run again with the same key to keep waiting
      --require-human     fail at once (exit 5) when nobody is online
      --json              print the whole answer envelope as JSON

Exit status: 0 answered, 3 timed out, 4 declined or rejected, 5 nobody online (--require-human),
1 could not connect or failed, 2 wrong usage.

Examples:
  switchboard ask "Deploy build 412?" --options yes,no --timeout 10m
  answer=$(switchboard ask "Which region?" --options eu-west-1,us-east-1) && deploy "$answer"
  switchboard ask "Release notes OK?" --id release-412 --json | jq .content.answer
  switchboard ask "Roll back the deploy?" --capability deploy --urgency high`,
	options: {
		options: { type: 'string' },
		fields: { type: 'string' },
		urgency: { type: 'string' },
		context: { type: 'string' },
		to: { type: 'string' },
		team: { type: 'string' },
		capability: { type: 'string' },
		timeout: { type: 'string' },
		deadline: { type: 'string' },
		id: { type: 'string' },
		'require-human': { type: 'boolean' }
	},
	async run(values, positionals) {
		const question = positionals.join(' ').trim();
		if (!question) throw new UsageError('What is the question? switchboard ask "Deploy build 412?"');
		const urgency = oneOf(values.urgency, ['low', 'medium', 'high'], '--urgency');
		const deadline = values.deadline ? new Date(values.deadline) : undefined;
		if (deadline && Number.isNaN(deadline.getTime()))
			throw new UsageError('--deadline is an ISO 8601 time, like 2026-11-21T18:00:00Z.');
		const fieldsJson = values.fields === undefined ? undefined : parseContent(values.fields);
		const fields = fieldsJson === undefined ? undefined : FieldsSchema.safeParse(fieldsJson);
		if (fields && !fields.success)
			throw new UsageError(`--fields: ${describeIssues(fields.error, fieldsJson)}`);
		const waiting = {
			waitForServer: true,
			onWaitingForServer: (servers: string[]) =>
				progress(`No NATS server answers at ${servers.join(', ')} yet: waiting for it (Ctrl-C to stop)…`)
		};
		return withAgent(
			values,
			true,
			async (agent) => {
				progress(`Connected as ${agent.identity.id}.`);
				try {
					const result = await agent.ask(question, {
						options: values.options
							?.split(',')
							.map((o) => o.trim())
							.filter(Boolean),
						fields: fields?.data,
						urgency,
						context: values.context,
						to: values.to,
						team: values.team,
						capability: values.capability
							?.split(',')
							.map((c) => c.trim())
							.filter(Boolean),
						id: values.id,
						deadline,
						timeoutMs: values.timeout ? parseDuration(values.timeout) : undefined,
						requireHuman: Boolean(values['require-human']),
						onProgress: reportProgress
					});
					progress(`Answered by ${result.by.name}.`);
					process.stdout.write(
						values.json
							? `${safeJson(result.envelope ?? result, 2)}\n`
							: `${visibleControls(result.choice ?? result.answer, true)}\n`
					);
					return EXIT.ok;
				} catch (error) {
					if (error instanceof AnswerRejectedError) {
						if (values.json) process.stdout.write(`${safeJson(error.result.envelope ?? error.result, 2)}\n`);
						process.stderr.write(`${colour.red(error.message)}\n`);
						return EXIT.rejected;
					}
					if (error instanceof AskTimeoutError) {
						process.stderr.write(`${colour.yellow(error.message)}\n`);
						return EXIT.timeout;
					}
					if (error instanceof NoHumanOnlineError) {
						process.stderr.write(`${colour.yellow(error.message)}\n`);
						return EXIT.noHuman;
					}
					throw error;
				}
			},
			waiting
		);
	}
});
