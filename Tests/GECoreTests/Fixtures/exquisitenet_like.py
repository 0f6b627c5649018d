import torch
import torch.nn as nn
import torch.nn.functional as F

# --OPTION--
# -- NOTE --
# FCT halves the spatial size. It is used once, as the stem of ExquisiteNetV2.
# -- NOTE --
class FCT(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, 4, 2, 1, groups=cin, bias=False)
        self.maxpool = nn.MaxPool2d(2, ceil_mode=True)
        self.pw = nn.Conv2d(3 * cin, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = torch.cat([self.maxpool(x), -self.maxpool(-x), self.dw(x)], 1)
        return self.bn(self.pw(x))

# --OPTION--
# -- NOTE --
# EVE halves the spatial size; ME and DFSEBV2 are defined in other segments.
# -- NOTE --
class EVE(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.maxpool = nn.MaxPool2d(2, ceil_mode=True)
        self.pw = nn.Conv2d(2 * cin, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = torch.cat([self.maxpool(x), -self.maxpool(-x)], 1)
        return self.bn(self.pw(x))

# --OPTION--
class ME(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.maxpool = nn.MaxPool2d(2, ceil_mode=True)
        self.pw = nn.Conv2d(cin, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.pw(self.maxpool(x)))

# --OPTION--
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
# DFSEBV2 keeps the shape of its input. SE and SE_LN are defined in other segments.
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
class DW(nn.Module):
    def __init__(self, cin, dw_s):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, dw_s, 1, dw_s // 2, groups=cin)
        self.act = nn.Hardswish()

    def forward(self, x):
        return self.act(self.dw(x))

# --OPTION--
# -- NOTE --
# The network's input is (N, 3, H, W) and its output (N, class_num).
# -- NOTE --
class ExquisiteNetV2(nn.Module):
    def __init__(self, class_num=10, img_channels=3):
        super().__init__()
        self.features = nn.Sequential(
            FCT(img_channels, 12), DFSEBV2(12),
            EVE(12, 48), DFSEBV2(48),
            ME(48, 96), DFSEBV2(96),
            ME(96, 192), DFSEBV2(192),
            ME(192, 384), DFSEBV2(384),
            DW(384, 3),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(384, class_num)

    def forward(self, x):
        x = self.pool(self.features(x)).flatten(1)
        return self.fc(self.dropout(x))
