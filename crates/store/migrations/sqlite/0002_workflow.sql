-- Workflow items and their events (SQLite). Keep in step with ../postgres/0002_workflow.sql:
-- the same tables and columns; only identity columns are spelled differently.

-- One item per object going through a workflow. `version` is optimistic: every event
-- bumps it, so two people acting at once cannot both move the item.
create table workflow_items (
    id integer primary key,
    workflow text not null,
    object_type text not null,
    object_id text not null,
    state text not null,
    version bigint not null default 1,
    org_id bigint not null references organisations(id),
    maker_id bigint,
    created_at bigint not null,
    updated_at bigint not null,
    due_date text
);
create index workflow_items_object on workflow_items(object_type, object_id);
create index workflow_items_state on workflow_items(workflow, state);

-- The case history: one appended event per action, numbered per item.
create table workflow_events (
    id integer primary key,
    item_id bigint not null references workflow_items(id),
    seq bigint not null,
    at bigint not null,
    actor_id bigint,
    actor_name text not null,
    actor_role text not null,
    action text not null,
    from_state text not null,
    to_state text not null,
    reason text not null,
    resolution_number text,
    attachments text not null,
    unique (item_id, seq)
);
