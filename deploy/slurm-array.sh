#!/usr/bin/env bash
# Slurm array: task i runs slice i of the shardable steps (SLURM_ARRAY_TASK_ID, counted from the
# array's first index; SLURM_ARRAY_TASK_COUNT slices). Then merge once all tasks are done:
#   jid=$(sbatch --parsable deploy/slurm-array.sh)
#   sbatch --dependency=afterok:$jid --wrap "sluice pipeline merge pipelines/sharded.toml --of 4"
#SBATCH --job-name=sluice-sharded
#SBATCH --array=0-3
#SBATCH --cpus-per-task=8
#SBATCH --time=04:00:00
set -euo pipefail
exec sluice pipeline run pipelines/sharded.toml --threads "${SLURM_CPUS_PER_TASK:-8}"
