//! `sluice plan ...`: read inputs, run a planner, print the table or JSON, draw the plot.

use crate::cli::plan::*;
use crate::error::{Error, Result};
use crate::plan::{self, Plan};

pub fn run(cmd: PlanCommand) -> Result<()> {
    let (plan, output) = match cmd {
        PlanCommand::Inject(a) => {
            let law = plan::forgetting::ForgettingLaw::load(&a.coeffs, &a.domain)?;
            (
                plan::forgetting::plan(&law, &a.domain, a.params, a.tokens, a.budget)?,
                a.output,
            )
        }
        PlanCommand::Fit(a) if a.law == Law::Distill => {
            let Some(coeffs) = &a.coeffs else {
                bail!(config(
                    "plan fit --law distill needs --coeffs FILE: the table whose values the coefficients the runs cannot identify keep"
                ));
            };
            if a.runs.is_some() {
                bail!(config(
                    "plan fit --law distill reads `train lm` runs (--run DIR ...), not a CSV"
                ));
            }
            let prior = plan::distill::DistillLaw::load(coeffs, "default")?;
            let points = a
                .run
                .iter()
                .map(|d| plan::distill_fit::read_point(d))
                .collect::<Result<Vec<_>>>()?;
            let shown = coeffs.display().to_string();
            let p = plan::distill_fit::plan(&points, &prior, &shown, a.teacher_loss, &a.domain)?;
            if let Some(out) = &a.out {
                let toml = p.result["toml"].as_str().unwrap_or_default();
                crate::core::atomic::write_atomic(out, toml.as_bytes())?;
            }
            (p, a.output)
        }
        PlanCommand::Fit(a) => {
            if a.coeffs.is_some() || a.teacher_loss.is_some() {
                bail!(config(
                    "--coeffs and --teacher-loss belong to plan fit --law distill"
                ));
            }
            let runs = match &a.runs {
                Some(csv) => plan::fit::read_runs(csv)?,
                None => a
                    .run
                    .iter()
                    .map(|dir| {
                        let r = plan::runs::read_lm_run(dir)?;
                        plan::fit::check_run(&r.run, &format!("run {}", dir.display()))?;
                        Ok(plan::fit::Measured {
                            label: dir.display().to_string(),
                            run: r.run,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
            };
            let p = plan::fit::plan(&runs, &a.domain)?;
            if let Some(out) = &a.out {
                let toml = p.result["toml"].as_str().unwrap_or_default();
                crate::core::atomic::write_atomic(out, toml.as_bytes())?;
            }
            (p, a.output)
        }
        PlanCommand::Curves(a) => {
            let spec = plan::runs::CurvesSpec {
                runs: &a.run,
                x: &a.x,
                y: &a.y,
                relative: a.relative,
            };
            (plan::runs::curves(&spec)?, a.output)
        }
        PlanCommand::Distill(a) => {
            let law = plan::distill::DistillLaw::load(&a.coeffs, &a.law)?;
            let setup = plan::distill::Setup {
                compute: a.compute,
                student_params: a.student,
                teacher_params: a.teacher,
                teacher_tokens: a.teacher_tokens,
                teacher_exists: a.teacher_exists,
                students: a.students,
            };
            (plan::distill::plan(&law, &setup)?, a.output)
        }
        PlanCommand::Ema(a) => (
            plan::ema::plan(
                &a.momentum,
                a.batch_size,
                a.new_batch_size,
                a.optimizer,
                a.lr,
            )?,
            a.output,
        ),
        PlanCommand::Views(a) => {
            let b = plan::views::Budget {
                views_per_step: a.views_per_step,
                steps: a.steps,
                dataset: a.dataset,
                decode_per_sec: a.decode_per_sec,
                views_per_sec: a.views_per_sec,
                cores: a.cores,
                min_samples: a.min_samples,
            };
            (plan::views::plan(&b)?, a.output)
        }
        PlanCommand::Moe(a) => {
            let c = plan::moe::MoeConfig {
                d_model: a.d_model,
                layers: a.layers,
                experts: a.experts,
                top_k: a.top_k,
                d_ff: a.d_ff,
                vocab: a.vocab,
                kv_dim: a.kv_dim.unwrap_or(a.d_model),
                seq_len: a.seq_len,
                tied_embeddings: !a.untied_embeddings,
            };
            (plan::moe::plan(&c, a.param_budget)?, a.output)
        }
    };
    emit(&plan, &output)
}

fn emit(plan: &Plan, output: &Output) -> Result<()> {
    if let Some(path) = &output.plot {
        let chart = plan
            .chart
            .as_ref()
            .ok_or_else(|| Error::config("this planner has no curve to plot"))?;
        chart.render(path)?;
    }
    if output.json {
        println!(
            "{}",
            serde_json::to_string_pretty(plan).map_err(|e| Error::internal(e.to_string()))?
        );
    } else {
        print!("{}", plan.render());
        if let Some(path) = &output.plot {
            println!("plot: {}", path.display());
        }
    }
    Ok(())
}
