/**
 * The PostgreSQL schema, as numbered migrations applied once each, in order, at start-up. Every
 * table is keyed so it can be distributed (Citus / Azure Cosmos DB for PostgreSQL) by conversation
 * (bot state, transcripts, Direct Line, case_keys) or by case reference (cases, outbox) or by key
 * (records) without a rewrite: every primary key contains its distribution column. The audit chain
 * and the yearly case counters are small and stay reference tables. See docs/postgresql.md.
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
  {
    version: 2,
    description: 'transcripts, Direct Line conversations and activities, the delivery outbox, small keyed records',
    sql: `
      CREATE TABLE transcript_activities (
        conversation_id text NOT NULL,
        channel_id text NOT NULL,
        seq bigserial NOT NULL,
        logged_at timestamptz NOT NULL DEFAULT now(),
        activity jsonb NOT NULL,
        PRIMARY KEY (conversation_id, channel_id, seq)
      );
      CREATE INDEX transcript_activities_channel ON transcript_activities (channel_id, logged_at);
      CREATE TABLE directline_conversations (
        id text PRIMARY KEY,
        conversation jsonb NOT NULL,
        last int NOT NULL DEFAULT 0
      );
      CREATE TABLE directline_activities (
        conversation_id text NOT NULL,
        watermark int NOT NULL,
        activity jsonb NOT NULL,
        PRIMARY KEY (conversation_id, watermark)
      );
      CREATE TABLE outbox_items (
        case_reference text NOT NULL,
        id text NOT NULL,
        status text NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        item jsonb NOT NULL,
        PRIMARY KEY (case_reference, id)
      );
      CREATE INDEX outbox_items_due ON outbox_items (next_attempt_at) WHERE status IN ('pending', 'failing');
      CREATE TABLE records (
        kind text NOT NULL,
        key text NOT NULL,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, key)
      );
      -- A unique index must contain the distribution column: the idempotency keys of confirms get
      -- their own table (distributed by the key, which starts with the conversation).
      CREATE TABLE case_keys (
        idempotency_key text PRIMARY KEY,
        reference text NOT NULL
      );
      INSERT INTO case_keys (idempotency_key, reference) SELECT idempotency_key, reference FROM cases;
      ALTER TABLE cases DROP CONSTRAINT cases_idempotency_key_key;
    `,
  },
  {
    version: 3,
    description: 'last change of each Direct Line conversation, for retention',
    sql: `
      ALTER TABLE directline_conversations ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      CREATE INDEX bot_state_updated_at ON bot_state (updated_at);
      CREATE INDEX cases_updated_at ON cases (updated_at);
      CREATE INDEX directline_conversations_updated_at ON directline_conversations (updated_at);
    `,
  },
  {
    version: 4,
    description: 'urgent cases nobody has taken, for the reminder check',
    sql: `
      CREATE INDEX cases_urgent_new ON cases (created_at) WHERE (record->>'urgent')::boolean AND record->>'status' = 'new';
    `,
  },
  {
    version: 5,
    description: 'web chat request limits shared by every instance (rate-limiter-flexible\'s layout)',
    sql: `
      CREATE TABLE rate_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      );
    `,
  },
  {
    version: 6,
    description: "staff case lists by organisation and filters without reading every case",
    // Generated from the record, so no code path can forget to keep them in step. Adding them
    // rewrites the table once (about 14 s for 100,000 cases on a 2-vCPU machine).
    sql: `
      ALTER TABLE cases
        ADD COLUMN organisations jsonb GENERATED ALWAYS AS (jsonb_path_query_array(record, '$.recipients[*] ? (@.consent == true).organisationId')) STORED,
        ADD COLUMN status text GENERATED ALWAYS AS (record->>'status') STORED,
        ADD COLUMN urgent boolean GENERATED ALWAYS AS ((record->>'urgent')::boolean) STORED,
        ADD COLUMN municipality_id text GENERATED ALWAYS AS (record->'municipality'->>'id') STORED,
        ADD COLUMN municipality_scb text GENERATED ALWAYS AS (record->'municipality'->>'scbCode') STORED;
      CREATE INDEX cases_organisations ON cases USING gin (organisations jsonb_path_ops);
    `,
  },
  {
    version: 7,
    description: 'staff sign-in sessions kept on the server, so signing out or disabling an account ends them',
    // Keyed by the SHA-256 of the session id (the browser holds the id itself); small, a reference table.
    sql: `
      CREATE TABLE staff_sessions (
        id_hash text PRIMARY KEY,
        subject text NOT NULL,
        source text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX staff_sessions_subject ON staff_sessions (subject);
      CREATE INDEX staff_sessions_expires_at ON staff_sessions (expires_at);
    `,
  },
  {
    version: 8,
    description: 'cases shared by organisations, worked per unit: lists by unit, reminders per unit (issue 20)',
    // The list by organisation becomes the list by unit (recipient key); the case-wide status column
    // goes (each unit's status is in record->'work'). Cases written before this release are given
    // their work by PgCaseStore.upgradeLegacy right after the migrations, in JavaScript, with the
    // same upgradeCase the embedded store uses. Adding the column rewrites the table once.
    sql: `
      DROP INDEX IF EXISTS cases_urgent_new;
      ALTER TABLE cases DROP COLUMN status;
      ALTER TABLE cases ADD COLUMN units jsonb GENERATED ALWAYS AS (jsonb_path_query_array(record, '$.recipients[*] ? (@.consent == true).key')) STORED;
      CREATE INDEX cases_units ON cases USING gin (units);
      CREATE INDEX cases_urgent_waiting ON cases (created_at) WHERE jsonb_path_exists(record, '$.work.* ? (@.status == "new" && @.urgent == true)');
    `,
  },
  {
    version: 9,
    description: "each unit's work beside the record, so a unit's list reads a few hundred bytes per case",
    // The list and its counts look at record->'work' of every case of the unit; reading it from the
    // whole record decompressed each record (3.5 KB on average) and took a second for a unit of
    // 10,000 cases. A stored copy of the work (about 200 bytes) is read without touching the record.
    sql: `
      ALTER TABLE cases ADD COLUMN work jsonb GENERATED ALWAYS AS (record->'work') STORED;
    `,
  },
];
