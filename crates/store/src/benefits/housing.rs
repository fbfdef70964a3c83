//! Housing (Art. 14): the register of housing units (`housing_units`, area in whole 0.01 m²)
//! and their allocations to introduced talents (`housing_allocations`). One allocation per
//! unit at a time: the unit is claimed by a conditional status change (free → allocated) in
//! the allocating transaction, and a unique partial index on active allocations is the
//! permanent guard.

use serde::Serialize;

use yincai_domain::lifecycle::{AllocationState, HousingUnitState};

use crate::{Result, StoreError, Tx, on_tx};

/// One housing unit of the register, with its current holder (an active or gifted
/// allocation), if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct HousingUnitRow {
    pub id: i64,
    pub address: String,
    /// Area in whole 0.01 m² (12000 = 120 m²).
    pub area_centi_m2: i64,
    #[sqlx(try_from = "String")]
    pub status: HousingUnitState,
    pub note: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    pub holder_talent_id: Option<i64>,
    pub holder_name: Option<String>,
}

/// One allocation of a unit to a talent, with the unit's address and area and the talent's
/// name and unit (joined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct HousingAllocationRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_address: String,
    pub unit_area_centi_m2: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_parent_id: Option<i64>,
    /// The area of the tier (Art. 14), whole m².
    pub entitled_area_m2: i64,
    pub article: String,
    pub gift_after_years: Option<i64>,
    pub start_date: String,
    pub gift_date: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: AllocationState,
    pub note: String,
    pub end_date: Option<String>,
    pub end_reason: Option<String>,
    pub gifted_on: Option<String>,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewHousingAllocation {
    pub unit_id: i64,
    pub talent_id: i64,
    pub entitled_area_m2: i64,
    pub article: String,
    pub gift_after_years: Option<i64>,
    pub start_date: String,
    pub gift_date: Option<String>,
    pub note: String,
    pub created_by: i64,
}

const UNIT_COLUMNS: &str = "u.id, u.address, u.area_centi_m2, u.status, u.note, u.created_at, u.updated_at, \
     u.version, a.talent_id as holder_talent_id, t.name as holder_name";

const UNIT_FROM: &str = "housing_units u \
     left join housing_allocations a on a.unit_id = u.id and a.status in ('active', 'gifted') \
     left join talents t on t.id = a.talent_id";

const ALLOCATION_COLUMNS: &str = "a.id, a.unit_id, u.address as unit_address, u.area_centi_m2 as unit_area_centi_m2, \
     a.talent_id, t.name as talent_name, t.org_id, o.name as org_name, o.parent_id as org_parent_id, \
     a.entitled_area_m2, a.article, a.gift_after_years, a.start_date, a.gift_date, a.status, a.note, a.end_date, \
     a.end_reason, a.gifted_on, a.created_by, a.created_at, a.updated_at, a.version";

const ALLOCATION_FROM: &str = "housing_allocations a join housing_units u on u.id = a.unit_id \
     join talents t on t.id = a.talent_id join organisations o on o.id = t.org_id";

impl Tx {
    pub async fn insert_housing_unit(
        &mut self,
        address: &str,
        area_centi_m2: i64,
        note: &str,
        now: i64,
    ) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into housing_units (address, area_centi_m2, status, note, created_at, updated_at)
             values ($1, $2, 'free', $3, $4, $4) returning id")
            .bind(address).bind(area_centi_m2).bind(note).bind(now)
            .fetch_one(&mut *c).await?))
    }

    pub async fn housing_unit(&mut self, id: i64) -> Result<Option<HousingUnitRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {UNIT_COLUMNS} from {UNIT_FROM} where u.id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, HousingUnitRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// The register, optionally of one status, by address.
    pub async fn housing_units(&mut self, status: Option<&str>) -> Result<Vec<HousingUnitRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {UNIT_COLUMNS} from {UNIT_FROM} where ($1 is null or u.status = $1) order by u.address, u.id"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, HousingUnitRow>(sql).bind(status).fetch_all(&mut *c).await?))
    }

    /// Rewrites address, area and note if `version` is still current.
    pub async fn update_housing_unit(
        &mut self,
        id: i64,
        version: i64,
        address: &str,
        area_centi_m2: i64,
        note: &str,
        now: i64,
    ) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update housing_units set address = $3, area_centi_m2 = $4, note = $5, updated_at = $6,
                    version = version + 1
             where id = $1 and version = $2")
            .bind(id).bind(version).bind(address).bind(area_centi_m2).bind(note).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::stale_or_not_found(self.housing_unit(id).await?.is_some()));
        }
        Ok(())
    }

    /// Moves a unit from status `from` to `to`; false when it is not (any more) in `from`.
    /// Allocation claims a unit with `free` → `allocated`: of two concurrent claims, one wins.
    pub async fn set_housing_unit_status(
        &mut self,
        id: i64,
        from: HousingUnitState,
        to: HousingUnitState,
        now: i64,
    ) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update housing_units set status = $3, updated_at = $4, version = version + 1
             where id = $1 and status = $2")
            .bind(id).bind(from.code()).bind(to.code()).bind(now)
            .execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    pub async fn insert_housing_allocation(&mut self, a: &NewHousingAllocation, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into housing_allocations (unit_id, talent_id, entitled_area_m2, article, gift_after_years,
                 start_date, gift_date, status, note, created_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10, $10) returning id")
            .bind(a.unit_id).bind(a.talent_id).bind(a.entitled_area_m2).bind(&a.article).bind(a.gift_after_years)
            .bind(&a.start_date).bind(&a.gift_date).bind(&a.note).bind(a.created_by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    pub async fn housing_allocation(&mut self, id: i64) -> Result<Option<HousingAllocationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {ALLOCATION_COLUMNS} from {ALLOCATION_FROM} where a.id = $1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, HousingAllocationRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// Allocations, of one talent or all, newest first.
    pub async fn housing_allocations(&mut self, talent_id: Option<i64>) -> Result<Vec<HousingAllocationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {ALLOCATION_COLUMNS} from {ALLOCATION_FROM} where ($1 is null or a.talent_id = $1)
             order by a.created_at desc, a.id desc"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, HousingAllocationRow>(sql).bind(talent_id).fetch_all(&mut *c).await?))
    }

    /// Closes an active allocation as `gifted` (with `gifted_on`) or `returned` (with the end
    /// date and reason) if `version` is still current and it is still active.
    #[allow(clippy::too_many_arguments)]
    pub async fn close_housing_allocation(
        &mut self,
        id: i64,
        version: i64,
        status: AllocationState,
        end_date: Option<&str>,
        end_reason: Option<&str>,
        gifted_on: Option<&str>,
        now: i64,
    ) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update housing_allocations set status = $3, end_date = $4, end_reason = $5, gifted_on = $6,
                    updated_at = $7, version = version + 1
             where id = $1 and version = $2 and status = 'active'")
            .bind(id).bind(version).bind(status.code()).bind(end_date).bind(end_reason).bind(gifted_on).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::stale_or_not_found(
                self.housing_allocation(id).await?.is_some(),
            ));
        }
        Ok(())
    }
}
