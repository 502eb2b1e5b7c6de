#!/usr/bin/env bash
# The recipe study of docs/flowmatch.md ("What buys quality"): each recipe
# choice added alone to the previous default (-preset small), at the budget of
# 15 minutes of an otherwise idle 2-core machine, counted in training steps so
# that a run's result does not depend on what else the machine is doing.
#
#   bash bench/recipe_study/run.sh OUTDIR ROW [ROW ...]
#
# Each ROW trains, exports the EMA weights, samples 10,000 images from noise
# seed 123 with rk4 in 5 uniform steps (the default sampler when the study
# began, so that every row is scored alike) and again with today's default
# sampler (midpoint, 10 steps, early grid), and scores both with windrose
# eval; the lines of every step go to OUTDIR/ROW.log and one summary line
# per row and sampler to OUTDIR/results.txt. SEED sets the training seed
# (default 0).
set -euo pipefail
out=$1; shift
mkdir -p "$out"
bin=$out/windrose
go build -o "$bin" ./cmd/windrose

# Steps for 15 idle minutes at the quietly measured speeds (2026-12-04 16:05
# UTC, `windrose train -minutes 0.75`, nothing else running): the small
# network at batch 32, 391 images/s (11,000 steps); the U-Net at batch 32,
# 127 images/s (3,584 steps); the U-Net at batch 64, 126 images/s (1,772).
small=11000
# The second study varies the default recipe at the same budget with
# today's engine: 164 images/s at batch 64 (2,334 steps, the 15-minute run
# of 2026-12-05 00:18 UTC, alone) and, measured against it
# the same way as above at 01:00 UTC, 145 against 159 images/s at batch 32
# (150 images/s: 4,200 steps of 32).
d15=2334
d15b32=4200
# Narrower U-Nets (-base 24: widths 24/48/96; -base 16: 16/32/64), each
# budgeted by the steps it took in one minute alone, times 15, measured
# with the default in one sitting (2026-12-05 03:53 UTC, `windrose train
# -preset default -base B -minutes 1`, start-up included): 167 steps at
# base 32, 245 at base 24, 399 at base 16.
d15w24=3675
d15w16=5985
# -base 8 (widths 8/16/32) was measured against -base 16 in a second
# sitting (04:33 UTC, the same way): 875 against 434 steps, so its budget
# is the first sitting's base-16 steps times 875/434.
d15w8=12066
# -attention (self-attention between the middle ResBlocks, at 16/32/64) was
# measured against the same width without it in a third sitting (07:53 UTC,
# the same way, with the engine of that day): 413 against 443 steps, so its
# budget is 5,985 × 413/443.
d15attn=5580
seed=${SEED:-0}
for row in "$@"; do
	case $row in
	small)    args=(-preset small -steps $small) ;;
	logitnorm) args=(-preset small -steps $small -times logit-normal) ;;
	sigma0)   args=(-preset small -steps $small -sigma-min 0) ;;
	ot)       args=(-preset small -steps $small -ot) ;;
	clip)     args=(-preset small -steps $small -clip 1) ;;
	batch64)  args=(-preset small -steps 5500 -batch 64 -lr 2e-3) ;;
	unet)     args=(-preset small -steps 3584 -arch unet) ;;
	default)  args=(-preset default -steps 1772) ;;
	d15)      args=(-preset default -steps $d15) ;;
	d15-lr3)  args=(-preset default -steps $d15 -lr 3e-3) ;;
	d15-lr4)  args=(-preset default -steps $d15 -lr 4e-3) ;;
	d15-b32)  args=(-preset default -steps $d15b32 -batch 32) ;;
	d15-b32-lr1) args=(-preset default -steps $d15b32 -batch 32 -lr 1e-3) ;;
	d15-warm50) args=(-preset default -steps $d15 -warmup 50) ;;
	d15-w24)  args=(-preset default -steps $d15w24 -base 24) ;;
	d15-w16)  args=(-preset default -steps $d15w16 -base 16) ;;
	d15-w8)   args=(-preset default -steps $d15w8 -base 8) ;;
	d15-attn) args=(-preset default -steps $d15attn -attention) ;;
	*) echo "unknown row $row" >&2; exit 2 ;;
	esac
	name=$row-s$seed
	log=$out/$name.log
	start=$(date -u +%H:%M)
	echo "== $name: windrose train ${args[*]} -minutes 0 -seed $seed" | tee "$log"
	"$bin" train "${args[@]}" -minutes 0 -seed "$seed" -every 5m \
		-out "$out/$name.safetensors" -export "$out/$name-model.safetensors" >>"$log" 2>&1
	for sampler in rk4x5 default; do
		case $sampler in
		rk4x5)   flags=(-method rk4 -steps 5 -grid uniform); npy=$out/$name.npy ;;
		default) flags=(); npy=$out/$name-default.npy ;;
		esac
		"$bin" sample -ckpt "$out/$name-model.safetensors" -n 10000 -seed 123 "${flags[@]}" -npy "$npy" >>"$log" 2>&1
		"$bin" eval "$npy" >>"$log" 2>&1
		fid=$(tail -n 1 "$log")
		echo "$name  ${args[*]}  seed $seed  sampler $sampler  $start-$(date -u +%H:%M) UTC  load $(cut -d' ' -f1-3 /proc/loadavg)  $fid" | tee -a "$out/results.txt"
	done
done
