-- (SQLite.) Keep in step with ../postgres/0011_review_findings.sql.

-- 审查认定: what the coordination office's qualification review found from the materials on
-- the facts of Art. 10(3)-(6) that the registration form does not state (research results,
-- a shortage field, a practical talent, a leading technology), each with its basis. JSON
-- object by finding code: {"research_results": {"checked": true, "basis": "..."}, ...}.
-- '{}' means that no finding was recorded (applications reviewed before this column): the
-- category stored with the application then stands for the reviewer's judgement.
alter table applications add column findings text not null default '{}';
