//! The store's contract for the housing register and allocations (Art. 14), on every backend
//! (SQLite always, PostgreSQL when `YINCAI_TEST_POSTGRES_URL` is set).

use crate::common;

use yincai_domain::lifecycle::{AllocationState, HousingUnitState};
use yincai_store::on_every_backend;
use yincai_store::{NewHousingAllocation, StoreError, Tx};

/// A unit, a user and two talents; returns (user, talent a, talent b).
async fn setup(tx: &mut Tx) -> (i64, i64, i64) {
    let (_, user, talents) = common::unit_with_talents(tx, "coord", "协调办经办人", &["张明", "李华"]).await;
    (user, talents[0], talents[1])
}

fn allocation(unit_id: i64, talent_id: i64, user: i64) -> NewHousingAllocation {
    NewHousingAllocation {
        unit_id,
        talent_id,
        entitled_area_m2: 100,
        article: "14(4)".into(),
        gift_after_years: Some(5),
        start_date: "2024-03-01".into(),
        gift_date: Some("2029-03-01".into()),
        note: String::new(),
        created_by: user,
    }
}

#[tokio::test]
async fn units_are_registered_once_per_address_and_versioned() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let id = tx.insert_housing_unit("人才公寓1栋101", 12_050, "", 5).await.unwrap();
        tx.commit().await.unwrap();
        // a failed statement spoils a PostgreSQL transaction: try the duplicate in one of its own
        let mut tx = store.begin_write().await.unwrap();
        let err = tx
            .insert_housing_unit("人才公寓1栋101", 8_000, "", 5)
            .await
            .unwrap_err();
        common::assert_unique(&err, "housing_units.address", label);
        drop(tx);
        let mut tx = store.begin_write().await.unwrap();
        let unit = tx.housing_unit(id).await.unwrap().unwrap();
        assert_eq!(
            (unit.area_centi_m2, unit.status.code(), unit.version),
            (12_050, "free", 1),
            "{label}"
        );
        tx.update_housing_unit(id, 1, "人才公寓1栋102", 12_000, "南向", 6)
            .await
            .unwrap();
        assert!(matches!(
            tx.update_housing_unit(id, 1, "x", 1, "", 7).await,
            Err(StoreError::Stale)
        ));
        assert!(matches!(
            tx.update_housing_unit(999, 1, "x", 1, "", 7).await,
            Err(StoreError::NotFound)
        ));
        let units = tx.housing_units(Some("free")).await.unwrap();
        assert_eq!(units.len(), 1, "{label}");
        assert_eq!(
            (units[0].address.as_str(), units[0].version),
            ("人才公寓1栋102", 2),
            "{label}"
        );
        tx.commit().await.unwrap();
    });
}

#[tokio::test]
async fn one_active_allocation_per_unit_and_closing_frees_it() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let (user, a, b) = setup(&mut tx).await;
        let unit = tx.insert_housing_unit("人才公寓2栋201", 10_000, "", 5).await.unwrap();
        assert!(
            tx.set_housing_unit_status(unit, HousingUnitState::Free, HousingUnitState::Allocated, 6)
                .await
                .unwrap()
        );
        assert!(
            !tx.set_housing_unit_status(unit, HousingUnitState::Free, HousingUnitState::Allocated, 6)
                .await
                .unwrap(),
            "{label}"
        );
        let first = tx
            .insert_housing_allocation(&allocation(unit, a, user), 6)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // the partial unique index: a second active allocation of the unit is refused
        let mut tx = store.begin_write().await.unwrap();
        let err = tx
            .insert_housing_allocation(&allocation(unit, b, user), 6)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Unique { .. }), "{label}: {err:?}");
        drop(tx);

        let mut tx = store.begin_write().await.unwrap();
        let row = tx.housing_allocation(first).await.unwrap().unwrap();
        assert_eq!(
            (row.status.code(), row.talent_name.as_str()),
            ("active", "张明"),
            "{label}"
        );
        let held = tx.housing_unit(unit).await.unwrap().unwrap();
        assert_eq!(held.holder_talent_id, Some(a), "{label}");
        assert!(matches!(
            tx.close_housing_allocation(
                first,
                9,
                AllocationState::Returned,
                Some("2025-01-01"),
                Some("x"),
                None,
                7
            )
            .await,
            Err(StoreError::Stale)
        ));
        tx.close_housing_allocation(
            first,
            1,
            AllocationState::Returned,
            Some("2025-01-01"),
            Some("提前解除聘用合同"),
            None,
            7,
        )
        .await
        .unwrap();
        assert!(
            tx.set_housing_unit_status(unit, HousingUnitState::Allocated, HousingUnitState::Free, 7)
                .await
                .unwrap()
        );
        // closed allocations no longer hold the unit: it can go to someone else
        assert!(
            tx.set_housing_unit_status(unit, HousingUnitState::Free, HousingUnitState::Allocated, 8)
                .await
                .unwrap()
        );
        let second = tx
            .insert_housing_allocation(&allocation(unit, b, user), 8)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin_read().await.unwrap();
        let all = tx.housing_allocations(None).await.unwrap();
        assert_eq!(
            all.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![second, first],
            "{label}"
        );
        let mine = tx.housing_allocations(Some(a)).await.unwrap();
        assert_eq!(mine.len(), 1, "{label}");
        assert_eq!(mine[0].end_reason.as_deref(), Some("提前解除聘用合同"), "{label}");
        assert_eq!(mine[0].status, AllocationState::Returned, "{label}");
        let unit_row = tx.housing_unit(unit).await.unwrap().unwrap();
        assert_eq!(unit_row.holder_name.as_deref(), Some("李华"), "{label}");
    });
}
