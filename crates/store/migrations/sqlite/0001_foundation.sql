-- Foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql:
-- the same tables and columns; only identity columns and triggers are spelled differently.
-- Times are epoch milliseconds (bigint), calendar dates ISO text, money whole fen.

create table organisations (
    id integer primary key,
    name text not null unique,
    kind text not null,
    credit_code text unique,
    parent_id bigint references organisations(id),
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1
);
create index organisations_parent on organisations(parent_id);

create table users (
    id integer primary key,
    username text not null unique,
    display_name text not null,
    org_id bigint not null references organisations(id),
    password_hash text not null,
    must_change_password boolean not null,
    failed_logins bigint not null default 0,
    locked_until bigint,
    disabled boolean not null default false,
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1
);
create index users_org on users(org_id);

create table user_roles (
    user_id bigint not null references users(id),
    role text not null,
    primary key (user_id, role)
);

create table sessions (
    token_digest text primary key,
    user_id bigint not null references users(id),
    kind text not null,
    csrf_token text not null,
    created_at bigint not null,
    last_seen_at bigint not null
);
create index sessions_user on sessions(user_id);

create table audit_log (
    seq bigint primary key,
    at bigint not null,
    actor_id bigint,
    actor_name text not null,
    actor_role text not null,
    action text not null,
    object_type text not null,
    object_id text not null,
    summary text not null,
    reason text not null,
    request_id text not null,
    result text not null,
    prev_hash text not null,
    hash text not null
);
create index audit_log_at on audit_log(at);
create index audit_log_object on audit_log(object_type, object_id);

-- One row: the last sequence number and hash. Updating it is also the lock that
-- serialises appends to the chain on PostgreSQL.
create table audit_head (
    id bigint primary key,
    seq bigint not null,
    hash text not null
);
insert into audit_head (id, seq, hash) values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

create trigger audit_log_append_only_update before update on audit_log
begin select raise(abort, 'audit_log is append-only'); end;
create trigger audit_log_append_only_delete before delete on audit_log
begin select raise(abort, 'audit_log is append-only'); end;

-- Pending work (待办) of every workflow, one generic query for every workbench.
create table tasks (
    id integer primary key,
    kind text not null,
    title text not null,
    link text not null,
    role text,
    org_id bigint references organisations(id),
    user_id bigint references users(id),
    object_type text not null,
    object_id text not null,
    due_date text,
    created_at bigint not null,
    done_at bigint
);
create index tasks_open on tasks(done_at, role);

create table settings (
    key text primary key,
    value text not null
);

-- Self-registered applicants belong to the public; the organisation always exists.
insert into organisations (name, kind, created_at, updated_at) values ('社会公众', 'public', 0, 0);
