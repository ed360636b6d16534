# The refiner's ops on the GPU, in PyTorch (the same ATen/cuDNN kernels the engine calls).
import sys, time, torch, torch.nn.functional as F
torch.backends.cudnn.benchmark = True
torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
dev = "cuda"
def bench(fn, n=10, w=3):
    for _ in range(w): fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(n):
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); fn(); b.record(); torch.cuda.synchronize(); ts.append(a.elapsed_time(b))
    ts.sort(); return ts[len(ts)//2]
H = 64
def weights(dtype, cl):
    g = torch.Generator().manual_seed(0)
    mk = lambda *s: (torch.randn(*s, generator=g) * 0.05).to(dev, dtype)
    fmt = torch.channels_last if cl else torch.contiguous_format
    W = {"stem": mk(H, 7, 3, 3).contiguous(memory_format=fmt), "stem_b": mk(H)}
    for i in range(8): W[f"c{i}"] = mk(H, H, 3, 3).contiguous(memory_format=fmt); W[f"c{i}_b"] = mk(H)
    for i in range(9): W[f"g{i}"] = 1 + mk(H); W[f"g{i}_b"] = mk(H)
    W["final"] = mk(4, H, 1, 1).contiguous(memory_format=fmt); W["final_b"] = mk(4)
    return W
def refiner(x, W, gn=True):
    def gna(t, i, res=None):
        if gn: t = F.group_norm(t, 8, W[f"g{i}"], W[f"g{i}_b"], 1e-5)
        if res is not None: t = t.add_(res)
        return t.relu_()
    x = gna(F.conv2d(x, W["stem"], W["stem_b"], 1, 1), 0)
    for r, d in enumerate((1, 2, 4, 8)):
        y = gna(F.conv2d(x, W[f"c{2*r}"], W[f"c{2*r}_b"], 1, d, d), 1 + 2*r)
        x = gna(F.conv2d(y, W[f"c{2*r+1}"], W[f"c{2*r+1}_b"], 1, d, d), 2 + 2*r, x)
    return F.conv2d(x, W["final"], W["final_b"]).mul_(10)
print(torch.__version__, torch.backends.cudnn.version(), torch.cuda.get_device_name(0), flush=True)
with torch.inference_mode():
    for S in [int(s) for s in sys.argv[1].split(",")]:
        for dtype in (torch.float16, torch.bfloat16, torch.float32):
            for cl in (True, False):
                if dtype != torch.float16 and not cl: continue
                fmt = torch.channels_last if cl else torch.contiguous_format
                W = weights(dtype, cl)
                x7 = torch.randn(1, 7, S, S, device=dev, dtype=dtype).contiguous(memory_format=fmt)
                xh = torch.randn(1, H, S, S, device=dev, dtype=dtype).contiguous(memory_format=fmt)
                tag = f"{S} {str(dtype)[6:]:8s} {'NHWC' if cl else 'NCHW'}"
                full = bench(lambda: refiner(x7, W))
                nogn = bench(lambda: refiner(x7, W, gn=False))
                convs = [bench(lambda d=d: F.conv2d(xh, W["c0"], W["c0_b"], 1, d, d)) for d in (1, 2, 4, 8)]
                gnt = bench(lambda: F.group_norm(xh, 8, W["g1"], W["g1_b"], 1e-5))
                def gn_nhwc(t):  # statistics over an NHWC view in float32, then one broadcast pass
                    v = t.permute(0, 2, 3, 1).reshape(t.shape[0], -1, 8, H // 8)
                    var, mean = torch.var_mean(v.float(), dim=(1, 3), correction=0, keepdim=True)
                    scale = (torch.rsqrt(var + 1e-5) * W["g1"].float().view(1, 1, 8, -1))
                    shift = W["g1_b"].float().view(1, 1, 8, -1) - mean * scale
                    return (v * scale.to(t.dtype) + shift.to(t.dtype)).relu_()
                alt = bench(lambda: gn_nhwc(xh)) if cl else float("nan")
                gflop = 2 * 9 * H * H * S * S / 1e9
                print(f"{tag} refiner {full:7.2f} ms | without GN {nogn:7.2f} | conv d1/2/4/8 " +
                      " ".join(f"{c:6.2f}" for c in convs) + f" ms ({gflop/convs[0]:.0f}/{gflop/convs[3]:.0f} TFLOP/s)"
                      f" | one GN {gnt:6.2f} ms ({3 * xh.numel() * xh.element_size() / gnt / 1e6:.0f} GB/s at 3 passes), var_mean GN {alt:6.2f}", flush=True)
    S = int(sys.argv[1].split(",")[-1])
    W = weights(torch.float16, True)
    x7 = torch.randn(1, 7, S, S, device=dev, dtype=torch.float16).contiguous(memory_format=torch.channels_last)
    refiner(x7, W); torch.cuda.synchronize()
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        refiner(x7, W); torch.cuda.synchronize()
    print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=14, max_name_column_width=90))
