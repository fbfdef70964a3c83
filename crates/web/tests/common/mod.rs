//! Runs the real application on port 0 with a fresh database, and talks HTTP to it.
#![allow(dead_code)]

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yincai_app::App;
use yincai_app::clock::ManualClock;
use yincai_store::test_support::{TempDir, TestDb};
use yincai_web::{Config, Server};

pub const DEMO_PASSWORD: &str = "Yincai@Demo2026";

/// The demo accounts, one per role.
pub const DEMO_USERS: [&str; 12] = [
    "talent", "unit", "dept", "coord", "leader", "assessor", "finance", "mayor", "service", "sysadmin", "secadmin",
    "auditor",
];

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub app: App,
    pub label: &'static str,
    db: TestDb,
    _data_dir: TempDir,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<()>,
}

impl TestApp {
    pub async fn start(db: TestDb) -> TestApp {
        let data_dir = TempDir::new("yincai-web-test");
        let clock = Arc::new(ManualClock::new(jiff::Timestamp::now().as_millisecond()));
        let config = Config {
            listen: "127.0.0.1:0".into(),
            data_dir: data_dir.0.clone(),
            database_url: Some(db.url.clone()),
            demo: true,
            secure_cookies: false,
        };
        let server = Server::build_with_clock(config, clock.clone())
            .await
            .expect("the server builds");
        let base = format!("http://{}", server.local_addr());
        let app = server.app.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(async move {
            server
                .run_until(async {
                    let _ = stopped.await;
                })
                .await
                .expect("serves");
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestApp {
            base,
            http,
            clock,
            app,
            label: db.label,
            db,
            _data_dir: data_dir,
            stop,
            served,
        }
    }

    /// Every backend: SQLite always, PostgreSQL when configured.
    pub async fn on_every_backend() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in TestDb::all().await {
            apps.push(TestApp::start(db).await);
        }
        apps
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.served.await;
        self.db.cleanup().await;
    }

    /// The SQLite database file, if this app runs on SQLite.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self.db.url.strip_prefix("sqlite://").map(std::path::PathBuf::from)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Logs in through the API and returns the bearer token.
    pub async fn login(&self, username: &str) -> String {
        self.login_with(username, DEMO_PASSWORD)
            .await
            .unwrap_or_else(|(s, b)| panic!("{}: login {username}: {s} {b}", self.label))
    }

    /// Logs in each of `usernames`; their bearer tokens, in the same order.
    pub async fn logins<const N: usize>(&self, usernames: [&str; N]) -> [String; N] {
        let mut tokens = Vec::with_capacity(N);
        for username in usernames {
            tokens.push(self.login(username).await);
        }
        tokens.try_into().unwrap()
    }

    pub async fn login_with(&self, username: &str, password: &str) -> Result<String, (StatusCode, Value)> {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/auth/login",
                None,
                Some(serde_json::json!({"username": username, "password": password})),
            )
            .await;
        if status == StatusCode::OK {
            Ok(body["token"].as_str().unwrap().to_string())
        } else {
            Err((status, body))
        }
    }

    /// One JSON API call; the body of the answer as JSON (Null when empty or not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("the server answers");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// A JSON `POST` as `token` (one line at the call site: most tests make dozens).
    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// A JSON `PUT` as `token`.
    pub async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    /// A JSON `POST` without a login.
    pub async fn post_anonymous(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, None, Some(body)).await
    }

    /// A JSON `POST` as `token` that must answer 200; the answer's body.
    pub async fn post_ok(&self, path: &str, token: &str, body: Value) -> Value {
        let (status, answer) = self.post(path, token, body).await;
        assert_eq!(status, StatusCode::OK, "{}: POST {path}: {answer}", self.label);
        answer
    }

    /// The leading group approves the workflow item `item` with `resolution` in a new meeting
    /// numbered `number`, held today (the coordination office convenes it and sets the agenda).
    pub async fn approve_in_meeting(&self, item: i64, number: &str, resolution: &str) {
        let coord = self.login("coord").await;
        let leader = self.login("leader").await;
        let meeting =
            json!({"number": number, "title": "人才工作领导小组会议", "held_on": self.app.today().to_string()});
        let meeting = self.post_ok("/api/meetings", &coord, meeting).await["id"].clone();
        let agenda = json!({"items": [item]});
        let agenda = self
            .post_ok(&format!("/api/meetings/{meeting}/agenda"), &coord, agenda)
            .await["id"]
            .clone();
        let decision = json!({"action": "approve", "resolution_number": resolution});
        let path = format!("/api/meetings/{meeting}/agenda/{agenda}/decision");
        self.post_ok(&path, &leader, decision).await;
    }

    /// A browser-like session: logs in through the form and keeps the cookie.
    pub async fn browser(&self, username: &str) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        let resp = http
            .post(self.url("/login"))
            .form(&[("username", username), ("password", DEMO_PASSWORD), ("next", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.status(),
            StatusCode::SEE_OTHER,
            "{}: form login of {username}",
            self.label
        );
        let page = text_of(http.get(self.url("/account/password"))).await;
        let csrf = csrf_in(&page);
        Browser {
            http,
            base: self.base.clone(),
            csrf,
        }
    }

    /// The CSRF token of the session `token` (an API login is also a page session), as a
    /// page's form carries it.
    pub async fn page_csrf(&self, token: &str) -> String {
        let page = text_of(
            self.http
                .get(self.url("/account/password"))
                .header("cookie", format!("yincai_session={token}")),
        )
        .await;
        let csrf = csrf_in(&page);
        assert!(!csrf.is_empty(), "{}: no _csrf on /account/password", self.label);
        csrf
    }

    /// The number of audit records so far.
    pub async fn audit_count(&self) -> i64 {
        self.app
            .store
            .begin_read()
            .await
            .unwrap()
            .audit_records(&Default::default())
            .await
            .unwrap()
            .total
    }

    /// The id of an organisation of the demo data, by name.
    pub async fn org_id(&self, name: &str) -> i64 {
        self.app
            .store
            .begin_read()
            .await
            .unwrap()
            .org_by_name(name)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no organisation {name}"))
            .id
    }

    /// The stored row of the talent `id`.
    pub async fn talent_row(&self, id: i64) -> yincai_store::TalentRow {
        let mut tx = self.app.store.begin_read().await.unwrap();
        tx.talent(id).await.unwrap().expect("the talent exists")
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        self.app
            .store
            .begin_read()
            .await
            .unwrap()
            .user_by_username(username)
            .await
            .unwrap()
            .unwrap()
            .id
    }
}

/// Sends a request and reads the text of the answer (which must come).
pub async fn text_of(request: reqwest::RequestBuilder) -> String {
    request.send().await.unwrap().text().await.unwrap()
}

/// The value of the `_csrf` field of a page's form (empty when there is none).
pub fn csrf_in(page: &str) -> String {
    quoted_after(page, "name=\"_csrf\" value=\"").unwrap_or_default()
}

/// The text after the first `prefix` in `page` up to the next `"` (an attribute's value).
pub fn quoted_after(page: &str, prefix: &str) -> Option<String> {
    page.split(prefix)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(String::from)
}

/// Reads the first sheet of an .xlsx download: (sheet name, rows of cell texts).
pub fn read_xlsx(bytes: &[u8]) -> (String, Vec<Vec<String>>) {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a real .xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    (
        name,
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
    )
}

pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let resp = self.http.get(format!("{}{}", self.base, path)).send().await.unwrap();
        (resp.status(), resp.text().await.unwrap_or_default())
    }

    /// Posts a page's form with this session's CSRF token first, as the page would.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let mut form = vec![("_csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.post_form(path, &form).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let resp = self
            .http
            .post(format!("{}{}", self.base, path))
            .form(fields)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let text = resp.text().await.unwrap_or_default();
        (status, if status.is_redirection() { location } else { text })
    }
}

/// The gender a 身份证号 states (position 17: odd male, even female); `female` when the
/// number is not given (an edit that keeps the stored one must state the gender itself).
pub fn gender_of(id_number: &str) -> &'static str {
    match id_number.trim().as_bytes().get(16) {
        Some(d) if d.is_ascii_digit() && (d - b'0') % 2 == 1 => "male",
        _ => "female",
    }
}

/// A valid registration form for `put /api/me/profile` (the gender agrees with the number).
pub fn profile_json(name: &str, id_number: &str, phone: &str) -> Value {
    serde_json::json!({
        "name": name,
        "id_type": "citizen_id",
        "id_number": id_number,
        "phone": phone,
        "email": "someone@example.com",
        "gender": gender_of(id_number),
        "education": [{"degree": "doctor", "institution": "新疆大学", "major": "化学", "full_time": true,
                       "school_tier": "211", "graduation_year": "2015"}],
        "title": "vice_senior",
        "qualifications": "注册会计师",
        "honours": ["provincial_expert"],
        "projects": "口岸物流研究",
    })
}

/// Saves a registration form as `username` through the API; returns its id.
pub async fn save_profile(app: &TestApp, username: &str, id_number: &str, phone: &str) -> i64 {
    let token = app.login(username).await;
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/me/profile",
            Some(&token),
            Some(profile_json(&format!("{username}的姓名"), id_number, phone)),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}: save profile of {username}: {body}",
        app.label
    );
    body["id"].as_i64().unwrap()
}

/// Registers a new applicant account (self-registration); returns nothing but the account
/// can log in with [`DEMO_PASSWORD`].
pub async fn register_applicant(app: &TestApp, username: &str) {
    let (status, body) = app
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(serde_json::json!({"username": username, "display_name": "申请人",
                "password": DEMO_PASSWORD, "password_confirm": DEMO_PASSWORD})),
        )
        .await;
    assert!(
        status.is_success(),
        "{}: register {username}: {status} {body}",
        app.label
    );
}

/// A new applicant with a saved registration form; returns the form's id.
pub async fn save_new_applicant(app: &TestApp, username: &str, id_number: &str, phone: &str) -> i64 {
    register_applicant(app, username).await;
    save_profile(app, username, id_number, phone).await
}

/// A talent to seed straight into the store, for suites about what follows the
/// introduction (benefits, the gate, housing, recovery, fixings).
pub struct SeedTalent<'a> {
    /// Also the login of the talent's account (`t-{name}` unless given).
    pub name: &'a str,
    pub username: Option<&'a str>,
    /// The employer unit (by a demo user of it); `unit` by default.
    pub unit_user: &'a str,
    pub start_date: &'a str,
    pub category: Option<i64>,
    /// The title on the registration form; `none` by default.
    pub title: &'a str,
    /// The facts whose report is frozen on the record; `None` freezes an empty report.
    pub facts: Option<yincai_policy::facts::Facts>,
}

impl Default for SeedTalent<'_> {
    fn default() -> Self {
        SeedTalent {
            name: "测试人才",
            username: None,
            unit_user: "unit",
            start_date: "2024-03-01",
            category: None,
            title: "none",
            facts: None,
        }
    }
}

/// A full-time doctor with research results and a vice-senior title, recruited by a city unit
/// on 2024-03-01, two assessments passed, as of 2026-11-24.
pub fn doctor_facts(name: &str) -> yincai_policy::facts::Facts {
    use yincai_policy::facts::{Assessment, Degree, Employer, Facts, Mode, Person, Title};
    Facts {
        name: Some(name.into()),
        policy: None,
        as_of: "2026-11-24".parse().unwrap(),
        person: Person {
            degree: Degree::Doctor,
            full_time: true,
            title: Title::ViceSenior,
            research_results: true,
            ..Person::default()
        },
        employer: Employer::CityUnit,
        mode: Mode::Recruit,
        start: "2024-03-01".parse().unwrap(),
        end: None,
        ended_for_cause: false,
        assessments: vec![Assessment::Passed, Assessment::Passed],
        service_months: Vec::new(),
        project_verified: false,
        project_benefit_significant: false,
    }
}

/// The passport number of every seeded talent, as the bank file shows it.
pub const SEEDED_PASSPORT: &str = "E12345678";

impl TestApp {
    /// Inserts an account, a registration form and a talent record; returns the talent's id.
    pub async fn seed_talent(&self, s: SeedTalent<'_>) -> i64 {
        use yincai_store::test_support::{new_candidate, new_talent, new_user};
        use yincai_store::{NewCandidate, NewTalent, NewUser};
        let org = self
            .app
            .store
            .begin_read()
            .await
            .unwrap()
            .user_by_username(s.unit_user)
            .await
            .unwrap()
            .unwrap()
            .org_id;
        let (facts, report, category, policy) = match &s.facts {
            Some(f) => {
                let report = yincai_app::policies().evaluate(f, false).unwrap();
                (
                    serde_json::to_string(f).unwrap(),
                    serde_json::to_string(&report).unwrap(),
                    report.category.map(i64::from),
                    (report.policy.id.clone(), report.policy.version.clone()),
                )
            }
            None => (
                "{}".into(),
                "{}".into(),
                s.category,
                ("alashankou-2014".into(), "2014.1".into()),
            ),
        };
        let mut tx = self.app.store.begin_write().await.unwrap();
        let public = tx.org_by_name("社会公众").await.unwrap().unwrap().id;
        let username = s.username.map_or_else(|| format!("t-{}", s.name), String::from);
        let user = NewUser {
            roles: vec!["talent".into()],
            ..new_user(&username, s.name, public)
        };
        let user = tx.insert_user(&user, 1).await.unwrap();
        // The passport number is stored encrypted as the app does (the bank file decrypts it).
        let candidate = NewCandidate {
            title: s.title.into(),
            id_number_enc: self.app.cipher.encrypt(SEEDED_PASSPORT),
            ..new_candidate(s.name)
        };
        let candidate = tx.insert_candidate(user, &candidate, 1).await.unwrap();
        let talent = NewTalent {
            start_date: s.start_date.into(),
            category,
            policy_id: policy.0,
            policy_version: policy.1,
            facts,
            report,
            ..new_talent(candidate, org, s.name)
        };
        let talent = tx.insert_talent(&talent, 1).await.unwrap();
        tx.commit().await.unwrap();
        talent
    }

    /// Inserts one living-subsidy installment (Art. 13(2)) of `amount_fen` per due date,
    /// seq and service year 1, 2, … in that order, owed by the talent's unit; returns their
    /// ids in seq order.
    pub async fn seed_installments(&self, talent: i64, amount_fen: i64, due_on: &[impl AsRef<str>]) -> Vec<i64> {
        use yincai_store::test_support::new_installment;
        use yincai_store::{InstallmentQuery, NewInstallment};
        let mut tx = self.app.store.begin_write().await.unwrap();
        let org = tx.talent(talent).await.unwrap().expect("the seeded talent").org_id;
        let rows: Vec<NewInstallment> = (1..)
            .zip(due_on)
            .map(|(seq, due_on)| new_installment(talent, org, seq, due_on.as_ref(), amount_fen))
            .collect();
        tx.insert_installments(&rows, 1).await.unwrap();
        let mut installments = tx
            .installments(&InstallmentQuery {
                talent_id: Some(talent),
                limit: 100,
                ..InstallmentQuery::default()
            })
            .await
            .unwrap()
            .rows;
        installments.sort_by_key(|r| r.seq);
        tx.commit().await.unwrap();
        installments.into_iter().map(|r| r.id).collect()
    }
}
