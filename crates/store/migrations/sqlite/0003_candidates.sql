-- Candidates' registration forms (人才登记表, Art. 12(2)) (sqlite). Keep in step with
-- ../postgres/0003_candidates.sql: the same columns; only the identity column differs.
--
-- Personal data (PIPL): the ID number and the phone are stored only encrypted (SM4-GCM,
-- `v1:` + base64) and masked; `id_number_index` is a keyed blind index (HMAC-SM3), unique,
-- so one person is one record without the number being stored in clear.
-- Education rows, honours and the like are JSON text: they are always read and written with
-- the form, never queried on their own, and the policy engine takes them as one set of facts.
create table candidates (
    id integer primary key,
    user_id bigint not null unique references users(id),
    name text not null,
    id_type text not null,
    id_number_enc text not null,
    id_number_index text not null unique,
    id_number_masked text not null,
    phone_enc text not null,
    phone_masked text not null,
    email text not null,
    gender text not null,
    birth_date text,
    education text not null,
    highest_degree text not null,
    title text not null,
    qualifications text not null,
    honours text not null,
    projects text not null,
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1
);
create index candidates_name on candidates(name);
