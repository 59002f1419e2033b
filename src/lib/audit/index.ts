/** The audit trail: what people did to the crew, kept by the server. Any runtime. */
export * from './audit-store';
