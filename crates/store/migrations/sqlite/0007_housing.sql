-- (SQLite.) Keep in step with ../postgres/0007_housing.sql: the same tables and columns;
-- only identity columns are spelled differently.

-- Housing (Art. 14): the register of housing units and their allocation to introduced
-- talents (free use from a start date, gift after 5 or 8 years, return on early exit).
-- Areas are whole 0.01 m² (bigint), dates ISO text, times epoch milliseconds.

-- 住房登记: free | allocated | gifted
create table housing_units (
    id integer primary key,
    address text not null unique,
    area_centi_m2 bigint not null check (area_centi_m2 > 0),
    status text not null check (status in ('free', 'allocated', 'gifted')),
    note text not null default '',
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1
);

-- 住房分配: active (free use) | gifted | returned
create table housing_allocations (
    id integer primary key,
    unit_id bigint not null references housing_units(id),
    talent_id bigint not null references talents(id),
    entitled_area_m2 bigint not null,
    article text not null,
    gift_after_years bigint,
    start_date text not null,
    gift_date text,
    status text not null check (status in ('active', 'gifted', 'returned')),
    note text not null default '',
    end_date text,
    end_reason text,
    gifted_on text,
    created_by bigint not null references users(id),
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1
);
-- One allocation per unit at a time, and one living allocation per talent: the permanent guards.
create unique index housing_allocations_unit_active on housing_allocations(unit_id) where status = 'active';
create unique index housing_allocations_talent_held on housing_allocations(talent_id) where status in ('active', 'gifted');
create index housing_allocations_talent on housing_allocations(talent_id);
