/**
 * The PostgreSQL schema, as numbered migrations applied once each, in order, at start-up. Every
 * table is keyed so it can be distributed (Citus / Azure Cosmos DB for PostgreSQL) by conversation
 * (bot state, transcripts, Direct Line) or by case reference (cases, outbox) without a rewrite.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'bot state with real eTags, cases with yearly numbering and idempotency keys, the audit chain',
    sql: `
      CREATE TABLE bot_state (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        etag bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE case_counters (
        year int PRIMARY KEY,
        last int NOT NULL
      );
      CREATE TABLE cases (
        reference text PRIMARY KEY,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        record jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX cases_created_at ON cases (created_at);
      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY,
        entry jsonb NOT NULL,
        hash text NOT NULL
      );
    `,
  },
];
