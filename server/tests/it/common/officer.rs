//! Signed-in officers for the tests: accounts made directly (one argon2 hash for all), sign-in through the
//! real form, and a client that posts forms and uploads with the session's CSRF token.

use super::TestApp;
use std::sync::OnceLock;

pub const PASSWORD: &str = "Kalimantan-Selatan-2026";

/// One argon2 hash for every test account (hashing is slow on purpose).
pub fn password_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| kla::auth::hash_password(PASSWORD))
}

pub async fn add_user(app: &TestApp, name: &str, role: &str, region: Option<&str>) {
    let role = kla::auth::Role::from_parts(role, region).unwrap();
    kla::auth::create_user(&app.state.pool, &kla::audit::Actor::cli(), kla::audit::Via::Cli, name, name, password_hash(), role)
        .await
        .unwrap();
}

pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(std::string::ToString::to_string)
}

pub fn cookie_value(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

pub fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + "name=\"csrf\" value=\"".len();
    html[at..at + 64].to_string()
}

/// A browser with one user's session.
pub struct Officer<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
}

pub async fn try_sign_in(app: &TestApp, name: &str, password: &str) -> reqwest::Response {
    let res = app.client.get(format!("{}/masuk", app.base)).send().await.unwrap();
    let anon = cookie_value(&set_cookie(&res, "kla_csrf").expect("the sign-in page sets a CSRF cookie"));
    let csrf = csrf_in(&res.text().await.unwrap());
    app.client
        .post(format!("{}/masuk", app.base))
        .header("cookie", anon)
        .form(&[("csrf", csrf.as_str()), ("username", name), ("password", password), ("kembali", "/kelola")])
        .send()
        .await
        .unwrap()
}

pub async fn sign_in<'a>(app: &'a TestApp, name: &str) -> Officer<'a> {
    let res = try_sign_in(app, name, PASSWORD).await;
    assert_eq!(res.status().as_u16(), 303, "{name} signs in");
    let c = set_cookie(&res, "kla_sesi").expect("a session cookie");
    assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax"), "{c}");
    Officer { app, cookie: cookie_value(&c) }
}

impl Officer<'_> {
    pub async fn get(&self, path: &str) -> (u16, String) {
        self.app.get_with_cookie(path, &self.cookie).await
    }
    pub async fn csrf(&self) -> String {
        csrf_in(&self.get("/akun").await.1)
    }
    /// Posts a form with this session's CSRF token; returns status, Location and body.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let csrf = self.csrf().await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &csrf));
        let res = self.app.client.post(format!("{}{path}", self.app.base)).header("cookie", &self.cookie).form(&form).send().await.unwrap();
        let status = res.status().as_u16();
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        (status, location, res.text().await.unwrap())
    }
    pub async fn upload(&self, name: &str, bytes: Vec<u8>) -> (u16, String) {
        self.upload_as(name, bytes, "add").await
    }
    /// Uploads a file with the upload form's choice of mode (`add` or `update`).
    pub async fn upload_as(&self, name: &str, bytes: Vec<u8>, mode: &str) -> (u16, String) {
        let csrf = self.csrf().await;
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf)
            .text("mode", mode.to_string())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
        let res = self
            .app
            .client
            .post(format!("{}/kelola/impor", self.app.base))
            .header("cookie", &self.cookie)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.text().await.unwrap())
    }
    /// Uploads and confirms a file; returns the confirmation's status and Location.
    pub async fn import(&self, name: &str, bytes: Vec<u8>) -> (u16, String) {
        self.import_as(name, bytes, "add").await
    }
    /// Uploads a file with a mode and confirms its preview as the preview's form does (draft and mode).
    pub async fn import_as(&self, name: &str, bytes: Vec<u8>, mode: &str) -> (u16, String) {
        let (status, html) = self.upload_as(name, bytes, mode).await;
        assert_eq!(status, 200, "preview of {name}: {}", &html[html.find("<main").unwrap_or(0)..].chars().take(1500).collect::<String>());
        let (status, location, _) = self.confirm(&html).await;
        (status, location)
    }
    /// Sends the confirmation form of a preview page.
    pub async fn confirm(&self, preview: &str) -> (u16, String, String) {
        let field = |name: &str| {
            let marker = format!("name=\"{name}\" value=\"");
            let at = preview.find(&marker).unwrap_or_else(|| panic!("a {name} field to confirm")) + marker.len();
            preview[at..at + preview[at..].find('"').unwrap()].to_string()
        };
        let (draft, mode) = (field("draft"), field("mode"));
        self.post("/kelola/impor/simpan", &[("draft", &draft), ("mode", &mode)]).await
    }
    /// A download (an export, a template) as CSV text, XLSX converted.
    pub async fn download_text(&self, path: &str) -> String {
        let res = self.app.client.get(format!("{}{path}", self.app.base)).header("cookie", &self.cookie).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{path}");
        kla::spreadsheet::to_csv_text(&res.bytes().await.unwrap(), kla::spreadsheet::Limits::default()).unwrap()
    }
}
