-- (PostgreSQL.) Keep in step with ../sqlite/0017_bank_accounts.sql: the same text.
-- The bank account an introduced talent is paid into (issue 12): the bank's payment file
-- needs the payee's account and bank (开户行) besides the name and ID number. The talent or
-- the coordination office records it. The account number is personal data: encrypted like
-- the ID number (SM4-GCM, `v1:` + base64) and kept masked for every screen; only the
-- batch's bank file (its download audited) carries it in full.
alter table talents add column bank_account_enc text;
alter table talents add column bank_account_masked text;
alter table talents add column bank_name text;
