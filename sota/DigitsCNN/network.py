"""DigitsCNN: a small convolutional network for the 8x8 handwritten digits
bundled with scikit-learn. The CPU seed: a whole evaluation takes seconds on a
laptop, so anyone can run Guided Evolution without a GPU.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

# --OPTION--
# -- NOTE --
# ConvBlock(cin, cout) keeps height and width and maps cin to cout channels.
# DigitsNet (another segment) uses ConvBlock(1, 16), ConvBlock(16, 32) and ConvBlock(32, 64).
# -- NOTE --
class ConvBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size=3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))

# --OPTION--
# -- NOTE --
# Head(cin, class_num) maps (N, cin, H, W) features to (N, class_num) logits.
# DigitsNet (another segment) uses Head(64, class_num).
# -- NOTE --
class Head(nn.Module):
    def __init__(self, cin, class_num):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(cin, class_num)

    def forward(self, x):
        return self.fc(self.dropout(self.pool(x).flatten(1)))

# --OPTION--
# -- NOTE --
# DigitsNet(class_num=10) maps (N, 1, 8, 8) images to (N, class_num) logits.
# ConvBlock and Head are defined in other segments.
# -- NOTE --
class DigitsNet(nn.Module):
    def __init__(self, class_num=10):
        super().__init__()
        self.features = nn.Sequential(
            ConvBlock(1, 16),
            ConvBlock(16, 32),
            nn.MaxPool2d(2),
            ConvBlock(32, 64),
        )
        self.head = Head(64, class_num)

    def forward(self, x):
        return self.head(self.features(x))

# --OPTION--
# -- NOTE --
# get_optimizer(model) returns the optimizer train.py uses for its fixed number of epochs.
# -- NOTE --
def get_optimizer(model):
    return torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
