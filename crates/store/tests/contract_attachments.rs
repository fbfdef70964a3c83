//! The attachments store on every backend: bytes come back exactly as stored (0x00 and
//! 0xFF included), lists are per object and carry no content, and the owner must exist.

use yincai_store::on_every_backend;
use yincai_store::{NewAttachment, NewUser, Store, StoreError};

async fn user(store: &Store) -> i64 {
    let mut tx = store.begin_write().await.unwrap();
    let public = tx.org_by_name("社会公众").await.unwrap().unwrap().id;
    let id = tx
        .insert_user(
            &NewUser {
                username: "uploader".into(),
                display_name: "上传人".into(),
                org_id: public,
                password_hash: "x".into(),
                must_change_password: false,
                roles: vec!["talent".into()],
            },
            1,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn attachment(owner: i64, object_id: &str, content: Vec<u8>, sha: &str) -> NewAttachment {
    NewAttachment {
        owner_user_id: owner,
        object_type: "candidate".into(),
        object_id: object_id.into(),
        purpose: "身份证件".into(),
        file_name: "身份证 扫描件.pdf".into(),
        content_type: "application/pdf".into(),
        sha256: sha.into(),
        content,
        shared: true,
    }
}

#[tokio::test]
async fn binary_content_round_trips_exactly() {
    on_every_backend!(|store, label| {
        let owner = user(&store).await;
        // Every byte value, NUL and 0xFF at both ends, plus invalid UTF-8.
        let mut content: Vec<u8> = vec![0x00, 0xFF, 0x00];
        content.extend(0u8..=255);
        content.extend([0xC3, 0x28, 0xFF, 0xFE, 0x00, 0x00, 0xFF]);
        let mut tx = store.begin_write().await.unwrap();
        let id = tx
            .insert_attachment(&attachment(owner, "7", content.clone(), "ab12"), 1_700_000_000_000)
            .await
            .unwrap_or_else(|e| panic!("{label}: insert: {e}"));
        tx.commit().await.unwrap();

        let mut tx = store.begin_read().await.unwrap();
        let row = tx.attachment(id).await.unwrap().expect("stored");
        assert_eq!(row.content, content, "{label}: the bytes come back exactly");
        assert_eq!(row.meta.size, content.len() as i64, "{label}");
        assert_eq!(row.meta.file_name, "身份证 扫描件.pdf", "{label}");
        assert_eq!(row.meta.content_type, "application/pdf", "{label}");
        assert_eq!(row.meta.sha256, "ab12", "{label}");
        assert_eq!(row.meta.owner_user_id, owner, "{label}");
        assert_eq!(row.meta.created_at, 1_700_000_000_000, "{label}");
        assert_eq!(tx.attachment_meta(id).await.unwrap(), Some(row.meta.clone()), "{label}");
        assert!(tx.attachment(id + 1000).await.unwrap().is_none(), "{label}");
    });
}

#[tokio::test]
async fn lists_are_per_object_oldest_first_and_duplicates_are_found_by_hash() {
    on_every_backend!(|store, label| {
        let owner = user(&store).await;
        let mut tx = store.begin_write().await.unwrap();
        let a = tx
            .insert_attachment(&attachment(owner, "1", b"%PDF-a".to_vec(), "aa"), 10)
            .await
            .unwrap();
        let b = tx
            .insert_attachment(&attachment(owner, "1", b"%PDF-b".to_vec(), "bb"), 20)
            .await
            .unwrap();
        let other = tx
            .insert_attachment(&attachment(owner, "2", b"%PDF-a".to_vec(), "aa"), 30)
            .await
            .unwrap();
        let mut item = attachment(owner, "1", vec![0xFF, 0xD8, 0xFF], "cc");
        item.object_type = "workflow_item".into();
        item.purpose = "附件".into();
        let wf = tx.insert_attachment(&item, 40).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin_read().await.unwrap();
        for (object_id, want) in [("1", vec![a, b]), ("2", vec![other])] {
            let listed = tx.attachments_for_object("candidate", object_id).await.unwrap();
            let ids: Vec<i64> = listed.iter().map(|m| m.id).collect();
            assert_eq!(ids, want, "{label}: candidate {object_id}");
        }
        let items = tx.attachments_for_object("workflow_item", "1").await.unwrap();
        assert_eq!(items.iter().map(|m| m.id).collect::<Vec<_>>(), vec![wf], "{label}");
        assert_eq!(items[0].purpose, "附件", "{label}");
        assert!(
            tx.attachments_for_object("candidate", "3").await.unwrap().is_empty(),
            "{label}"
        );

        let dup = tx.attachment_by_sha256("candidate", "1", "aa").await.unwrap();
        assert_eq!(dup.map(|m| m.id), Some(a), "{label}");
        assert!(
            tx.attachment_by_sha256("candidate", "1", "cc").await.unwrap().is_none(),
            "{label}"
        );
    });
}

#[tokio::test]
async fn an_attachment_needs_an_existing_owner_and_a_rollback_leaves_nothing() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let err = tx
            .insert_attachment(&attachment(999_999, "1", b"%PDF-".to_vec(), "aa"), 1)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::ForeignKey), "{label}: {err:?}");
        drop(tx);

        let owner = user(&store).await;
        let mut tx = store.begin_write().await.unwrap();
        tx.insert_attachment(&attachment(owner, "1", b"%PDF-".to_vec(), "aa"), 1)
            .await
            .unwrap();
        drop(tx); // no commit: rolled back
        let mut tx = store.begin_read().await.unwrap();
        assert!(
            tx.attachments_for_object("candidate", "1").await.unwrap().is_empty(),
            "{label}"
        );
    });
}
