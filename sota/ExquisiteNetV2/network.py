"""ExquisiteNetV2 for CIFAR-10: the seed of Guided Evolution's paper run.

Every block below is one gene: the text between two `# --OPTION--` lines is
rewritten by the LLM as a whole; a note block tells it what it may rely on.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

# --OPTION--
# -- NOTE --
# FCT(cin, cout) is the stem: it halves height and width and maps cin to cout channels.
# It is used once, as FCT(3, 12), by ExquisiteNetV2 (defined in another segment).
# -- NOTE --
class FCT(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, kernel_size=4, stride=2, padding=1, groups=cin, bias=False)
        self.maxpool = nn.MaxPool2d(2, ceil_mode=True)
        self.pw = nn.Conv2d(3 * cin, cout, kernel_size=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        # Min-pooling is max-pooling of the negated input, negated back.
        x = torch.cat([self.maxpool(x), -self.maxpool(-x), self.dw(x)], dim=1)
        return self.bn(self.pw(x))

# --OPTION--
# -- NOTE --
# EVE(cin, cout) halves height and width and maps cin to cout channels.
# It is used once, as EVE(12, 48), by ExquisiteNetV2 (defined in another segment).
# -- NOTE --
class EVE(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.maxpool = nn.MaxPool2d(2, ceil_mode=True)
        self.pw = nn.Conv2d(2 * cin, cout, kernel_size=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = torch.cat([self.maxpool(x), -self.maxpool(-x)], dim=1)
        return self.bn(self.pw(x))

# --OPTION--
# -- NOTE --
# ME(cin, cout) halves height and width and maps cin to cout channels.
# ExquisiteNetV2 (another segment) uses ME(48, 96), ME(96, 192) and ME(192, 384).
# -- NOTE --
class ME(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.maxpool = nn.MaxPool2d(2, ceil_mode=True)
        self.pw = nn.Conv2d(cin, cout, kernel_size=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.pw(self.maxpool(x)))

# --OPTION--
# -- NOTE --
# SE(cin, ratio) is squeeze-and-excitation: it rescales each channel and keeps the input shape.
# DFSEBV2 (another segment) uses it as SE(cin, 3) when is_LN is False.
# -- NOTE --
class SE(nn.Module):
    def __init__(self, cin, ratio):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(cin, int(cin / ratio), bias=False)
        self.fc2 = nn.Linear(int(cin / ratio), cin, bias=False)

    def forward(self, x):
        y = self.pool(x).flatten(1)
        y = torch.sigmoid(self.fc2(F.relu(self.fc1(y))))
        return x * y[:, :, None, None]

# --OPTION--
# -- NOTE --
# SE_LN(cin) rescales each channel from layer-normalized channel means and keeps the input shape.
# DFSEBV2 (another segment) uses it as SE_LN(cin) when is_LN is True (the default).
# -- NOTE --
class SE_LN(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.ln = nn.LayerNorm(cin)

    def forward(self, x):
        y = torch.sigmoid(self.ln(self.pool(x).flatten(1)))
        return x * y[:, :, None, None]

# --OPTION--
# -- NOTE --
# DFSEBV2(cin, dw_s=3, is_LN=True) keeps the shape of its input (cin channels in and out).
# It uses SE_LN and SE, defined in other segments. ExquisiteNetV2 uses DFSEBV2(c) for c in 12, 48, 96, 192, 384.
# -- NOTE --
class DFSEBV2(nn.Module):
    def __init__(self, cin, dw_s=3, is_LN=True):
        super().__init__()
        self.pw1 = nn.Sequential(nn.Conv2d(cin, cin, 1, bias=False), nn.BatchNorm2d(cin), nn.SiLU())
        self.dw1 = nn.Conv2d(cin, cin, dw_s, 1, dw_s // 2, groups=cin)
        self.se = SE_LN(cin) if is_LN else SE(cin, 3)
        self.pw2 = nn.Sequential(nn.Conv2d(cin, cin, 1, bias=False), nn.BatchNorm2d(cin), nn.Hardswish())
        self.dw2 = nn.Conv2d(cin, cin, dw_s, 1, dw_s // 2, groups=cin)

    def forward(self, x):
        y = self.se(self.dw1(self.pw1(x))) + x
        return self.dw2(self.pw2(y)) + x

# --OPTION--
# -- NOTE --
# DW(cin, dw_s) is a depthwise convolution with activation; it keeps the shape of its input.
# ExquisiteNetV2 (another segment) uses DW(384, 3).
# -- NOTE --
class DW(nn.Module):
    def __init__(self, cin, dw_s):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, dw_s, 1, dw_s // 2, groups=cin)
        self.act = nn.Hardswish()

    def forward(self, x):
        return self.act(self.dw(x))

# --OPTION--
# -- NOTE --
# ExquisiteNetV2(class_num=10, img_channels=3) maps (N, img_channels, H, W) to (N, class_num) logits.
# FCT, EVE, ME, DFSEBV2 and DW are defined in other segments.
# -- NOTE --
class ExquisiteNetV2(nn.Module):
    def __init__(self, class_num=10, img_channels=3):
        super().__init__()
        self.features = nn.Sequential(
            FCT(img_channels, 12),
            DFSEBV2(12),
            EVE(12, 48),
            DFSEBV2(48),
            ME(48, 96),
            DFSEBV2(96),
            ME(96, 192),
            DFSEBV2(192),
            ME(192, 384),
            DFSEBV2(384),
            DW(384, 3),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(384, class_num)

    def forward(self, x):
        x = self.pool(self.features(x)).flatten(1)
        return self.fc(self.dropout(x))

# --OPTION--
# -- NOTE --
# get_optimizer(model) returns the optimizer train.py uses; train.py lowers its learning rate on plateaus.
# -- NOTE --
def get_optimizer(model):
    # Weight decay on weights only: biases and normalization parameters are not decayed.
    decay = [p for p in model.parameters() if p.ndim > 1]
    no_decay = [p for p in model.parameters() if p.ndim <= 1]
    groups = [{"params": decay, "weight_decay": 1e-4}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9, nesterov=True)
