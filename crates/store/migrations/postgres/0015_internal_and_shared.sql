-- (PostgreSQL.) Keep in step with ../sqlite/0015_internal_and_shared.sql: the same text.
-- Each event and each attachment of a workflow item is either shared with the applicant or
-- internal to the staff (security review F14: applicants saw the staff's comments and files).
-- What is shared by default is the application's rule (ADR 0006, "Internal and shared"); the
-- column records the choice made when the event or file was written.
alter table workflow_events add column shared boolean not null default true;
alter table attachments add column shared boolean not null default true;

-- Existing rows: staff comments (no change of state) and staff files on an item become
-- internal; transitions, the applicant's own comments and files stay shared.
update workflow_events set shared = false
 where action = 'comment' and actor_role <> 'talent';
update attachments set shared = false
 where object_type = 'workflow_item'
   and owner_user_id <> coalesce(
       (select w.owner_user_id from workflow_items w where cast(w.id as text) = attachments.object_id), -1);
