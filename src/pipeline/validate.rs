//! Validating a pipeline file before anything runs: the generated JSON Schema first (every error,
//! each with its JSON pointer and line), then what a schema cannot say: step references and cycles,
//! paths inside the declared roots, cron and time zone, fractions and recipes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;
use toml::de::{DeTable, DeValue};

use crate::pipeline::spec::{Pipeline, Step, json_schema};
use crate::pipeline::step::StepEnv;

/// One problem in a pipeline file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// JSON pointer into the document, e.g. `/steps/mix/seq_len`.
    pub pointer: String,
    /// 1-based line of the value (or of the nearest enclosing one).
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "line {}: {at}: {}", self.line, self.message)
    }
}

/// A validated pipeline and the folder its relative paths resolve against.
pub struct Loaded {
    pub pipeline: Pipeline,
    pub base: PathBuf,
    pub roots: Vec<PathBuf>,
}

/// Parse and check `file`; every problem is returned, none is fatal on its own. With
/// `inputs_exist`, input paths outside other steps must exist now (a scheduler checks the structure
/// only: a nightly input may appear later, and its run fails then).
pub fn load(file: &Path, inputs_exist: bool) -> Result<Loaded, Vec<Problem>> {
    let one = |m: String| {
        vec![Problem {
            pointer: String::new(),
            line: 1,
            message: m,
        }]
    };
    let text = std::fs::read_to_string(file).map_err(|e| one(format!("cannot read: {e}")))?;
    let spans = DeTable::parse(&text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(&text, s.start));
        vec![Problem {
            pointer: String::new(),
            line,
            message: format!("not valid TOML: {}", e.message()),
        }]
    })?;
    let value: toml::Value =
        toml::from_str(&text).map_err(|e| one(format!("not valid TOML: {e}")))?;
    let json = serde_json::to_value(&value).map_err(|e| one(e.to_string()))?;
    let line = |ptr: &str| line_of(&text, span_of(spans.get_ref(), ptr, spans.span().start));
    let schema = json_schema();
    let mut found = Vec::new();
    check(&schema, &schema, &json, "", &mut found);
    if !found.is_empty() {
        return Err(found
            .into_iter()
            .map(|(pointer, message)| Problem {
                line: line(&pointer),
                pointer,
                message,
            })
            .collect());
    }
    let pipeline: Pipeline = toml::from_str(&text).map_err(|e| one(e.message().to_string()))?;
    let base = file
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let roots: Vec<PathBuf> = if pipeline.roots.is_empty() {
        vec![real(&base), real(&base.join(".."))]
    } else {
        pipeline.roots.iter().map(|r| real(&base.join(r))).collect()
    };
    let mut problems = Vec::new();
    semantic(
        &pipeline,
        &base,
        &roots,
        inputs_exist,
        &mut |pointer: String, message: String| {
            problems.push(Problem {
                line: line(&pointer),
                pointer,
                message,
            })
        },
    );
    if problems.is_empty() {
        Ok(Loaded {
            pipeline,
            base,
            roots,
        })
    } else {
        Err(problems)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Byte offset of the value at `pointer` (or of the deepest part of it that exists).
fn span_of(root: &DeTable, pointer: &str, fallback: usize) -> usize {
    let mut table = Some(root);
    let mut array: Option<&toml::de::DeArray> = None;
    let mut at = fallback;
    for seg in pointer.split('/').skip(1) {
        let next = if let Some(t) = table {
            t.iter()
                .find(|(k, _)| k.get_ref().as_ref() == seg)
                .map(|(k, v)| {
                    at = k.span().start;
                    v
                })
        } else if let Some(a) = array {
            seg.parse::<usize>()
                .ok()
                .and_then(|i| a.get(i))
                .inspect(|v| at = v.span().start)
        } else {
            None
        };
        let Some(v) = next else { break };
        table = None;
        array = None;
        match v.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a),
            _ => {}
        }
    }
    at
}

/// A small JSON Schema checker for what schemars emits: `$ref`, `type`, `properties`,
/// `required`, `additionalProperties`, `items`, `enum`, `const`, `oneOf`/`anyOf`, `minimum`,
/// `maximum`, integer `format`s. Pushes (pointer, message) for every violation.
fn check(root: &Value, schema: &Value, v: &Value, ptr: &str, out: &mut Vec<(String, String)>) {
    let Some(s) = schema.as_object() else { return };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let target = r
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .unwrap_or(&Value::Null);
        check(root, target, v, ptr, out);
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(t) => vec![t.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !types.iter().any(|t| type_ok(t, v)) {
            out.push((
                ptr.into(),
                format!("expected {}, found {}", types.join(" or "), describe(v)),
            ));
            return;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        let allowed: Vec<String> = e.iter().map(|x| x.to_string()).collect();
        out.push((
            ptr.into(),
            format!("{v} is not one of {}", allowed.join(", ")),
        ));
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        out.push((ptr.into(), format!("must be {c}")));
    }
    if let (Some(n), Some(min)) = (v.as_f64(), s.get("minimum").and_then(Value::as_f64))
        && n < min
    {
        out.push((ptr.into(), format!("{n} is below the minimum {min}")));
    }
    if let (Some(n), Some(max)) = (v.as_f64(), s.get("maximum").and_then(Value::as_f64))
        && n > max
    {
        out.push((ptr.into(), format!("{n} is above the maximum {max}")));
    }
    if let (Some(n), Some(f)) = (v.as_i64(), s.get("format").and_then(Value::as_str)) {
        let max = match f {
            "uint8" => Some(u8::MAX as i64),
            "uint16" => Some(u16::MAX as i64),
            "uint32" => Some(u32::MAX as i64),
            _ => None,
        };
        if let Some(max) = max
            && n > max
        {
            out.push((ptr.into(), format!("{n} does not fit {f}")));
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = s.get(key).and_then(Value::as_array) {
            variants(root, options, v, ptr, out);
        }
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        if let Some(req) = s.get("required").and_then(Value::as_array) {
            for r in req.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    out.push((ptr.into(), format!("missing required key `{r}`")));
                }
            }
        }
        for (k, val) in obj {
            let child = format!("{ptr}/{}", k.replace('~', "~0").replace('/', "~1"));
            match props.and_then(|p| p.get(k)) {
                Some(ps) => check(root, ps, val, &child, out),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        let known: Vec<&str> = props
                            .map(|p| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        out.push((
                            child,
                            format!("unknown key `{k}` (known: {})", known.join(", ")),
                        ));
                    }
                    Some(extra @ Value::Object(_)) => check(root, extra, val, &child, out),
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            check(root, items, x, &format!("{ptr}/{i}"), out);
        }
    }
}

/// oneOf/anyOf: a tagged variant (a `const` property that matches) is checked alone, so its errors
/// are precise; otherwise the value must satisfy one of the options.
fn variants(
    root: &Value,
    options: &[Value],
    v: &Value,
    ptr: &str,
    out: &mut Vec<(String, String)>,
) {
    let resolve = |o: &'_ Value| -> Value {
        match o.get("$ref").and_then(Value::as_str) {
            Some(r) => root
                .pointer(r.trim_start_matches('#'))
                .cloned()
                .unwrap_or(Value::Null),
            None => o.clone(),
        }
    };
    let mut tags = Vec::new();
    for o in options {
        let o = resolve(o);
        if let Some(props) = o.get("properties").and_then(Value::as_object) {
            for (k, p) in props {
                if let Some(c) = p.get("const") {
                    tags.push((k.clone(), c.clone()));
                    if v.get(k) == Some(c) {
                        check(root, &o, v, ptr, out);
                        return;
                    }
                }
            }
        }
    }
    if let Some((key, _)) = tags.first() {
        let allowed: Vec<String> = tags.iter().map(|t| t.1.to_string()).collect();
        let found = v.get(key).map_or("nothing".to_string(), |x| x.to_string());
        out.push((
            ptr.into(),
            format!(
                "`{key}` must be one of {} (found {found})",
                allowed.join(", ")
            ),
        ));
        return;
    }
    let fits = options.iter().any(|o| {
        let mut errs = Vec::new();
        check(root, o, v, ptr, &mut errs);
        errs.is_empty()
    });
    if !fits {
        out.push((
            ptr.into(),
            format!("{} matches none of the allowed forms", describe(v)),
        ));
    }
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Object(_) => "a table".into(),
        Value::Array(_) => "an array".into(),
        Value::String(s) => format!("the string {s:?}"),
        other => other.to_string(),
    }
}

/// Where `p` really is: symlinks resolved for the part of it that exists, the rest appended
/// (lexically normalized), so a link inside a root cannot lead out of it.
pub fn real(p: &Path) -> PathBuf {
    let p = normalize(p);
    let mut existing = if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p.clone()
    };
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = std::fs::canonicalize(&existing) {
            return rest.iter().rev().fold(c, |acc, part| acc.join(part));
        }
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => return p,
        }
    }
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A path from the file resolved: `step:NAME/...` -> (Some(NAME), rest), else (None, base/path).
pub fn step_ref(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix("step:")?;
    Some(rest.split_once('/').unwrap_or((rest, "")))
}

fn semantic(
    p: &Pipeline,
    base: &Path,
    roots: &[PathBuf],
    inputs_exist: bool,
    add: &mut dyn FnMut(String, String),
) {
    let names: BTreeSet<&str> = p.steps.keys().map(String::as_str).collect();
    if crate::store::is_url(Path::new(&p.out)) {
        add(
            "/out".into(),
            format!(
                "`{}`: a pipeline's out is a directory its steps read each other's outputs from; object storage serves inputs and one command's --out",
                p.out
            ),
        );
    } else if !inside(Path::new(&p.out), base, roots) {
        add(
            "/out".into(),
            format!("`{}` is outside the declared roots", p.out),
        );
    }
    let mut deps: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (name, step) in &p.steps {
        let at = format!("/steps/{name}");
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            add(
                at.clone(),
                "step names use letters, digits, '-' and '_'".into(),
            );
        }
        let d = deps.entry(name.as_str()).or_default();
        for (i, dep) in step.depends_on().iter().enumerate() {
            match names.get(dep.as_str()) {
                Some(&known) => {
                    d.insert(known);
                }
                None => add(
                    format!("{at}/depends_on/{i}"),
                    format!("no step named `{dep}`"),
                ),
            }
        }
        let ctx = PathCheck {
            base,
            roots,
            inputs_exist,
            names: &names,
        };
        ctx.step_paths(step, &at, d, add);
        // The command's own checks, as its CLI makes them.
        let resolve = |r: &str| match step_ref(r) {
            Some((n, rest)) => base.join(&p.out).join(n).join(rest),
            None => crate::pipeline::run::from_file(base, r),
        };
        let env = StepEnv {
            seed: p.seed,
            slice: (0, 1),
            // As a slice would run it: a sharded step's own checks on its options apply.
            sharded: step.shardable(),
            wait: std::time::Duration::ZERO,
            resolve: &resolve,
        };
        if let Err(e) = step.check(&env) {
            add(at.clone(), e.to_string());
        }
    }
    if let Some(cycle) = find_cycle(&deps) {
        add(
            "/steps".into(),
            format!("dependency cycle: {}", cycle.join(" -> ")),
        );
    }
    if let Some(s) = &p.schedule {
        if let Err(e) = parse_cron(&s.cron) {
            add("/schedule/cron".into(), e);
        }
        if s.timezone.parse::<chrono_tz::Tz>().is_err() {
            add(
                "/schedule/timezone".into(),
                format!("`{}` is not an IANA time zone", s.timezone),
            );
        }
    }
}

/// `path` (relative to `base`) really lies inside one of `roots`, symlinks resolved.
/// Is `path` inside the roots? Object-store URLs are not on this file system: the roots, which
/// confine a file's reach into the local tree, do not apply to them.
fn inside(path: &Path, base: &Path, roots: &[PathBuf]) -> bool {
    if crate::store::is_url(path) {
        return true;
    }
    let abs = real(&if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    });
    roots.iter().any(|r| abs.starts_with(r))
}

/// What a step's paths are checked against.
struct PathCheck<'a> {
    base: &'a Path,
    roots: &'a [PathBuf],
    inputs_exist: bool,
    names: &'a BTreeSet<&'a str>,
}

impl<'a> PathCheck<'a> {
    /// Each path of `step`: a `step:` reference to a known step (a dependency, added to `deps`),
    /// or a path inside the roots that exists (when inputs must exist now).
    fn step_paths(
        &self,
        step: &Step,
        at: &str,
        deps: &mut BTreeSet<&'a str>,
        add: &mut dyn FnMut(String, String),
    ) {
        for (ptr, path) in step.paths() {
            let path = path.as_str();
            match step_ref(path) {
                Some((s, _)) if let Some(&known) = self.names.get(s) => {
                    deps.insert(known);
                }
                Some((s, _)) => add(format!("{at}{ptr}"), format!("no step named `{s}`")),
                None if !inside(Path::new(path), self.base, self.roots) => add(
                    format!("{at}{ptr}"),
                    format!(
                        "`{path}` is outside the declared roots ({}){}",
                        shown(self.roots),
                        via_link(&self.base.join(path))
                    ),
                ),
                None if self.inputs_exist
                    && !crate::source::exists(&crate::pipeline::run::from_file(
                        self.base, path,
                    )) =>
                {
                    add(format!("{at}{ptr}"), format!("`{path}` does not exist"))
                }
                None => {}
            }
        }
    }
}

fn shown(roots: &[PathBuf]) -> String {
    roots
        .iter()
        .map(|r| r.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Five-field POSIX cron (no seconds, no year).
pub fn parse_cron(s: &str) -> Result<croner::Cron, String> {
    use croner::parser::{CronParser, Seconds, Year};
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
        .parse(s)
        .map_err(|e| format!("`{s}` is not a 5-field cron expression: {e}"))
}

/// Steps in dependency order (ties by name), given no cycle.
pub fn order(p: &Pipeline) -> Vec<String> {
    let deps = all_deps(p);
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < p.steps.len() {
        let next = p
            .steps
            .keys()
            .find(|n| !done.contains(*n) && deps[*n].iter().all(|d| done.contains(d)));
        let Some(n) = next else { break };
        done.insert(n.clone());
        out.push(n.clone());
    }
    out
}

/// Each step's dependencies: `depends_on` plus the steps its `step:` inputs read.
pub fn all_deps(p: &Pipeline) -> BTreeMap<String, BTreeSet<String>> {
    p.steps
        .iter()
        .map(|(n, s)| {
            let mut d: BTreeSet<String> = s.depends_on().iter().cloned().collect();
            d.extend(
                s.paths()
                    .into_iter()
                    .filter_map(|(_, p)| step_ref(&p).map(|r| r.0.to_string())),
            );
            (n.clone(), d)
        })
        .collect()
}

fn find_cycle<'a>(deps: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Option<Vec<&'a str>> {
    fn visit<'a>(
        n: &'a str,
        deps: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(i) = stack.iter().position(|s| *s == n) {
            let mut c = stack[i..].to_vec();
            c.push(n);
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n);
        for d in deps.get(n).into_iter().flatten() {
            if let Some(c) = visit(d, deps, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n);
        None
    }
    let mut done = BTreeSet::new();
    deps.keys()
        .find_map(|n| visit(n, deps, &mut Vec::new(), &mut done))
}

/// `" (it resolves to X)"` when symlinks take `p` elsewhere than it reads.
fn via_link(p: &Path) -> String {
    let (lexical, resolved) = (normalize(p), real(p));
    let lexical = std::fs::canonicalize(".")
        .map(|cwd| normalize(&cwd.join(&lexical)))
        .unwrap_or(lexical);
    if lexical == resolved {
        String::new()
    } else {
        format!(" (it resolves to {} through a symlink)", resolved.display())
    }
}
