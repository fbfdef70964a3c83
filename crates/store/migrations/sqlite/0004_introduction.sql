-- (SQLite.) Keep in step with ../postgres/0004_introduction.sql: the same tables and columns;
-- only identity and blob columns are spelled differently.

-- The introduction procedure of Art. 12: plans and positions, announcements, leading-group
-- meetings, applications and their review, intent letters, procedures by mode, 一事一议
-- cases, attachments, and the introduced talents (Art. 6 talent database).
-- States live on workflow items (0002); these tables hold what each step records.

-- Who a workflow item belongs to as a person (an applicant's own application): the
-- talent role acts only on items it owns. NULL for items owned by a unit as such.
alter table workflow_items add column owner_user_id bigint;
-- The agenda item of the leading-group meeting in which a decision was taken.
alter table workflow_events add column meeting_item_id bigint;

-- 年度引进计划 (Art. 12(1), 21) of one unit; published as an announcement (公告).
create table plans (
    id integer primary key,
    org_id bigint not null references organisations(id),
    year bigint not null,
    title text not null,
    note text not null,
    created_by bigint not null references users(id),
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1,
    announcement_title text,
    announcement_body text,
    open_date text,
    close_date text,
    published_at bigint,
    published_by bigint references users(id)
);
create index plans_org on plans(org_id, year);

-- 特设岗位 of a plan (Art. 12(1); Art. 13(1): no age or quota limit).
create table positions (
    id integer primary key,
    plan_id bigint not null references plans(id),
    title text not null,
    openings bigint not null check (openings > 0),
    field text not null,
    mode text not null,
    min_degree text not null,
    majors text not null,
    min_title text not null,
    qualifications text not null,
    requirements text not null,
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1
);
create index positions_plan on positions(plan_id);

-- 领导小组会议: decisions are taken in a meeting, item by item, each with its 批复文号.
create table meetings (
    id integer primary key,
    number text not null unique,
    title text not null,
    held_on text not null,
    status text not null,
    created_by bigint not null references users(id),
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1
);

create table meeting_items (
    id integer primary key,
    meeting_id bigint not null references meetings(id),
    seq bigint not null,
    kind text not null,
    title text not null,
    decision text,
    resolution_number text,
    decision_note text not null,
    decided_by bigint references users(id),
    decided_at bigint,
    unique (meeting_id, seq)
);

-- The workflow items an agenda item decides (one plan, or every application on a
-- proposed-hire list).
create table meeting_item_subjects (
    meeting_item_id bigint not null references meeting_items(id),
    workflow_item_id bigint not null references workflow_items(id),
    primary key (meeting_item_id, workflow_item_id)
);
create index meeting_item_subjects_item on meeting_item_subjects(workflow_item_id);

-- An application of a registered candidate to a position (Art. 12(2)-(3)). The form is
-- snapshotted at each (re)submission so the review sees what was submitted and what a
-- 补正 changed.
create table applications (
    id integer primary key,
    candidate_id bigint not null references candidates(id),
    position_id bigint not null references positions(id),
    org_id bigint not null references organisations(id),
    submitted_form text not null,
    previous_form text,
    checklist text not null,
    category bigint,
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1,
    unique (candidate_id, position_id)
);
create index applications_position on applications(position_id);

-- 招聘意向书 / 特聘意向书 for a passed application.
create table intent_letters (
    id integer primary key,
    application_id bigint not null unique references applications(id),
    kind text not null,
    number text not null unique,
    body text not null,
    issued_by bigint not null references users(id),
    issued_at bigint not null,
    accepted_at bigint
);

-- The procedure by mode (Art. 11, 12(4)-(5)): contract, transfer steps or service
-- agreement, as JSON checked by the app.
create table procedures (
    application_id bigint primary key references applications(id),
    mode text not null,
    details text not null,
    recorded_by bigint not null references users(id),
    recorded_at bigint not null,
    version bigint not null default 1
);

-- 一事一议 (Art. 14(7) and the like): a case opened on any candidate, decided by the
-- leading group in a meeting.
create table special_cases (
    id integer primary key,
    candidate_id bigint not null references candidates(id),
    org_id bigint not null references organisations(id),
    reason text not null,
    proposed_treatment text not null,
    created_by bigint not null references users(id),
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1
);

-- Uploaded files (PDF/JPG/PNG), checked by content, kept in the database so that a
-- backup of the database is a backup of everything.
create table attachments (
    id integer primary key,
    owner_user_id bigint not null references users(id),
    object_type text not null,
    object_id text not null,
    purpose text not null,
    file_name text not null,
    content_type text not null,
    size bigint not null,
    sha256 text not null,
    content blob not null,
    created_at bigint not null
);
create index attachments_object on attachments(object_type, object_id);

-- The talent database (Art. 6): one row per introduction, with the policy evaluation
-- frozen at the decision (policy id and version, the exact facts, the report).
create table talents (
    id integer primary key,
    candidate_id bigint not null references candidates(id),
    application_id bigint unique references applications(id),
    special_case_id bigint references special_cases(id),
    org_id bigint not null references organisations(id),
    name text not null,
    mode text not null,
    employer text not null,
    start_date text not null,
    end_date text,
    category bigint,
    obligations text not null,
    policy_id text not null,
    policy_version text not null,
    facts text not null,
    report text not null,
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1
);
create index talents_org on talents(org_id);
create index talents_name on talents(name);
