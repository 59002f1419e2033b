/** The audit trail in the page: its state and the activity list. Browser only. */
export { AuditTrail } from './audit-trail.svelte';
export { default as ActivityList } from './ActivityList.svelte';
