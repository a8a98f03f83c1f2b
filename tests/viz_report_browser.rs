//! The HTML report as a browser shows it: headless Chromium renders the
//! page `sleuth report` writes, with every proof expanded, at a desktop
//! width (1,100 px) and a phone width (420 px); nothing may stick out
//! sideways, and a screenshot at each width is left for review (its path is
//! printed). The report itself has no scripts: the check runs in a harness
//! page that holds the report in frames of those widths.

#[path = "viz/support.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{scratch, sleuth_inputs};

/// The widths checked, in CSS pixels.
const WIDTHS: [u32; 2] = [1100, 420];
/// The tallest screenshot taken, in pixels.
const MAX_SHOT_HEIGHT: u32 = 16_000;
/// How long one Chromium run may take before it is stopped.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(180);

/// Whether Debian's `chromium` runs here.
fn chromium_installed() -> bool {
    Command::new("chromium")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs headless Chromium with a fresh profile on a page; its standard
/// output. Fails the test when Chromium fails or hangs.
fn chromium(dir: &Path, run: &str, extra: &[String], page: &Path) -> String {
    let profile = dir.join(format!("profile-{run}"));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).expect("create profile folder");
    let stdout = dir.join(format!("{run}.out"));
    let stderr = dir.join(format!("{run}.err"));
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).expect("create output file"))
        .stderr(std::fs::File::create(&stderr).expect("create error file"))
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if start.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium ({run}) did not finish; its errors are in {}",
                stderr.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.success(),
        "chromium ({run}) failed: {}",
        std::fs::read_to_string(&stderr).unwrap_or_default()
    );
    std::fs::read_to_string(&stdout).expect("chromium's output")
}

/// Text as an HTML attribute value.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A page holding the report in a frame of each width, with every proof
/// opened. Once loaded, its script writes one line per frame into
/// `<pre id="result">`: `WIDTH CLIENT-WIDTH SCROLL-WIDTH HEIGHT OPENED
/// HEADING`, then the elements that stick out past the frame's right edge.
/// With `size_frames` each frame is made as tall as its page, for a
/// screenshot.
fn harness(report: &str, widths: &[u32], size_frames: bool) -> String {
    let frames: String = widths
        .iter()
        .map(|w| {
            format!(
                "<iframe width=\"{w}\" height=\"800\" srcdoc=\"{}\"></iframe>\n",
                attribute(report)
            )
        })
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"/><style>body {{ margin: 0; }} iframe {{ border: 0; display: block; }}</style></head>
<body>
{frames}<pre id="result">pending</pre>
<script>
window.addEventListener("load", () => {{
  const lines = [];
  for (const frame of document.querySelectorAll("iframe")) {{
    const doc = frame.contentDocument;
    const details = doc.querySelectorAll("details");
    details.forEach(d => {{ d.open = true; }});
    const root = doc.documentElement;
    const client = root.clientWidth;
    const heading = doc.querySelector("h1");
    lines.push([frame.width, client, root.scrollWidth, root.scrollHeight, details.length,
                heading ? heading.textContent.replace(/\s+/g, "_") : "-"].join(" "));
    let shown = 0;
    for (const el of doc.body.querySelectorAll("*")) {{
      const right = el.getBoundingClientRect().right;
      if (right > client + 0.5 && shown++ < 20) {{
        lines.push("  sticks out: <" + el.tagName.toLowerCase() + " class=" + el.className + "> to " + Math.round(right));
      }}
    }}
    if ({size_frames}) {{ frame.height = root.scrollHeight; }}
  }}
  document.getElementById("result").textContent = lines.join("\n");
}});
</script>
</body></html>
"#
    )
}

/// What the harness found for one frame.
#[derive(Debug)]
struct Measure {
    width: u32,
    client: u32,
    scroll: u32,
    height: u32,
    opened: usize,
    heading: String,
}

/// The harness's result lines from Chromium's dump of the page.
fn measures(dom: &str) -> (Vec<Measure>, String) {
    let start = dom
        .find("<pre id=\"result\">")
        .unwrap_or_else(|| panic!("the harness page rendered\n{dom}"))
        + "<pre id=\"result\">".len();
    let end = start + dom[start..].find("</pre>").expect("the result ends");
    let result = dom[start..end].to_string();
    let found = result
        .lines()
        .filter(|l| !l.starts_with(' ') && *l != "pending")
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!(f.len(), 6, "a result line: {l}");
            let n = |i: usize| f[i].parse::<u32>().expect("a number");
            Measure {
                width: n(0),
                client: n(1),
                scroll: n(2),
                height: n(3),
                opened: f[4].parse().expect("a count"),
                heading: f[5].to_string(),
            }
        })
        .collect();
    (found, result)
}

#[test]
fn defect_16_the_report_fits_the_browser_at_desktop_and_phone_widths() {
    if !chromium_installed() {
        println!(
            "note: Chromium is not installed; skipping the browser test of the report (.ci/run installs it)"
        );
        return;
    }
    let dir = scratch("report-browser");
    let out = sleuth_inputs(&["report", "--out", "report.html"], &dir, false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = std::fs::read_to_string(dir.join("report.html")).expect("written");
    let proofs = report.matches("<details><summary>proof</summary>").count();
    assert!(proofs > 10, "the report explains its conclusions");
    let all_details = report.matches("<details>").count();

    let page = dir.join("harness.html");
    std::fs::write(&page, harness(&report, &WIDTHS, false)).expect("write harness");
    let dom = chromium(&dir, "measure", &["--dump-dom".to_string()], &page);
    let (found, result) = measures(&dom);
    assert_eq!(found.len(), WIDTHS.len(), "a result per width:\n{result}");
    for (m, &w) in found.iter().zip(&WIDTHS) {
        assert_eq!(m.width, w);
        assert_eq!(m.heading, "sleuth_report", "the page rendered at {w} px");
        assert_eq!(m.opened, all_details, "every <details> opened at {w} px");
        assert!(m.client > w / 2 && m.client <= w, "{m:?}");
        assert!(
            m.scroll <= m.client,
            "at {w} px with every proof open the page is {} px wide, wider than its {} px:\n{result}",
            m.scroll,
            m.client
        );
        assert!(
            !result.contains("sticks out"),
            "nothing sticks out:\n{result}"
        );
    }

    // A screenshot at each width, every proof open, for a person to look at.
    for m in &found {
        let shot_page = dir.join(format!("harness-{}.html", m.width));
        std::fs::write(&shot_page, harness(&report, &[m.width], true)).expect("write harness");
        let shot: PathBuf = dir.join(format!("report-{}.png", m.width));
        let _ = std::fs::remove_file(&shot);
        let height = (m.height + 40).min(MAX_SHOT_HEIGHT);
        chromium(
            &dir,
            &format!("shot-{}", m.width),
            &[
                format!("--screenshot={}", shot.display()),
                format!("--window-size={},{height}", m.width.max(500)),
            ],
            &shot_page,
        );
        let png = std::fs::read(&shot).expect("the screenshot is written");
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000,
            "{} is a PNG picture",
            shot.display()
        );
        println!(
            "screenshot at {} px, every proof open: {}",
            m.width,
            shot.display()
        );
    }
}
