-- Separation of duties (ADR 0009). Keep in step with ../postgres/0013_separation_of_duties.sql.

-- What a user is shown at login: when the password was last set (changed or reset) and the
-- last successful login before the current one.
alter table users add column password_changed_at bigint;
alter table users add column last_login_at bigint;
alter table users add column previous_login_at bigint;

-- 双人复核: a role change, a password reset or an unlock is proposed by one administrator and
-- confirmed (or rejected) by another. `password_part` holds the proposer's half of a reset's
-- one-time password until the decision, then it is emptied: nobody alone ever knows both halves.
create table account_proposals (
    id integer primary key,
    user_id bigint not null references users(id),
    kind text not null,
    roles text not null,
    reason text not null,
    proposed_by bigint not null references users(id),
    proposed_at bigint not null,
    status text not null,
    decided_by bigint references users(id),
    decided_at bigint,
    decision_reason text not null,
    password_part text not null
);
create index account_proposals_user on account_proposals(user_id, status);
create index account_proposals_status on account_proposals(status, proposed_at);
